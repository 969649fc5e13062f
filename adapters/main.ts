// The worker process (production mode): runs every job type against the
// shared PostgreSQL and Redis, and, with FHIR_BASE_URL set, serves the
// partner exchange endpoint (adapters/fhir/fhir-server.ts).
import { connectPostgres } from '../lib/database';
import { probeDatabase } from '../lib/probes';
import { connectRedis, probeRedis } from '../lib/redis';
import { runServiceProcess } from '../lib/service-process';
import { collectProblems } from '../lib/startup-error';
import { jobDefinitions } from './jobs';
import { startWorkers } from './workers';
import { startFhirEndpoint } from './fhir/fhir-server';
import { defaultPartnerCallTimings, readTrustedCas } from './partner/partner-calls';
import { openAssertionKey, openExchangeKey, type ExchangeIdentity } from '../lib/exchange/exchange-key';
import { identitySettingsFrom, partnerTransport } from '../subgraphs/identity';
import { openPartnerKeyVault } from '../lib/exchange/partner-key-vault';

void runServiceProcess('renkei-worker', ['DATABASE_URL', 'REDIS_URL'], async (config, logger) => {
  const db = connectPostgres(config.databaseUrl as string, 5);
  try {
    await collectProblems([probeDatabase(db), probeRedis(config.redisUrl as string)]);
  } catch (error) {
    await db.close();
    throw error;
  }
  const redis = connectRedis(config.redisUrl as string);
  redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
  const trustedCaPems = readTrustedCas(config.partnerCaFiles);
  // Our exchange identity (the key beside the CA, FHIR_BASE_URL) signs the calls to partners
  // (Art. 20-3); without FHIR_BASE_URL there is none, and the jobs that call partners are not run:
  // their events wait in rooms' outbox until a worker with FHIR_BASE_URL starts.
  // Opens our client keys towards mTLS partners, sealed by identity with the same KEK (CA_DIR/partner-keys.kek).
  const partnerKeys = openPartnerKeyVault(config.caDir);
  const exchange: ExchangeIdentity | undefined = config.fhirBaseUrl
    ? {
        key: await openExchangeKey(config.caDir),
        assertionKey: await openAssertionKey(config.caDir),
        fhirBaseUrl: config.fhirBaseUrl,
      }
    : undefined;
  const workers = await startWorkers({
    redis,
    prefix: config.queuePrefix,
    deps: {
      db: db.prisma,
      identity: {
        db: db.prisma,
        settings: identitySettingsFrom(config.identity, config.clientCertMode !== 'off'),
        now: () => new Date(),
      },
      rooms: db.prisma,
      consent: db.prisma,
      inbound: db.prisma,
      outbound: db.prisma,
      partnerCalls: exchange
        ? {
            exchange,
            trustedCaPems,
            transport: (partnerId) => partnerTransport({ db: db.prisma, partnerKeys }, partnerId),
            ...defaultPartnerCallTimings,
          }
        : undefined,
      logger,
    },
    definitions: exchange ? jobDefinitions : jobDefinitions.filter((job) => !job.needs.includes('partnerCalls')),
    outbox: db.prisma,
  });
  logger.info(
    {
      queues: [...workers.queues.keys()],
      prefix: config.queuePrefix,
      partnerExchange: exchange ? 'on' : 'off (no FHIR_BASE_URL)',
    },
    'worker ready',
  );
  // Art. 20-2 in production: with FHIR_BASE_URL set, this process also serves the partner exchange endpoint.
  const fhir = exchange ? await startFhirEndpoint(db.prisma, config, logger, exchange, trustedCaPems) : undefined;
  return async () => {
    await fhir?.server.close();
    await workers.close();
    await redis.quit();
    await db.close();
  };
});
