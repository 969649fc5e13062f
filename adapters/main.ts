// The worker process (production mode): runs every job type against the
// shared PostgreSQL and Redis, answers /healthz and /readyz on PORT, and,
// with FHIR_BASE_URL set, serves the partner exchange endpoint there too
// (adapters/worker-endpoint.ts). Every start-up problem (database, Redis,
// ports) is found before any queue worker starts. Its metrics (job counts,
// outbox lag, dead letters, partner calls, chain checks) are served on their
// own internal listener (METRICS_HOST, METRICS_PORT). SIGHUP re-reads the
// exchange keys in CA_DIR (a key rotation, README Operations).
import { connectPostgres } from '../lib/database';
import { probePort } from '../lib/http-server';
import { probeDatabase } from '../lib/probes';
import { connectRedis, probeRedis } from '../lib/redis';
import { runServiceProcess } from '../lib/service-process';
import { collectProblems } from '../lib/startup-error';
import { jobDefinitions } from './jobs';
import { startWorkers } from './workers';
import { auditCheckpointEvery } from './jobs/audit-checkpoint';
import { certificateExpiryOf } from './jobs/certificate-expiry';
import { listenWorkerEndpoint, workerApp } from './worker-endpoint';
import { defaultPartnerCallTimings, readTrustedCas } from './partner/partner-calls';
import { openExchangeKeys, reloadExchangeKeys, type ExchangeIdentity } from '../lib/exchange/exchange-key';
import { identitySettingsFrom, partnerTransport } from '../subgraphs/identity';
import { openPartnerKeyVault } from '../lib/exchange/partner-key-vault';
import { redisPrincipalEpoch } from '../lib/access/principal-epoch';
import { sealClearSubscriptionHeaders } from './fhir/subscriptions/subscription-service';
import { createMetrics } from '../lib/metrics/metrics';
import { listenMetrics, probeMetricsPort } from '../lib/metrics/metrics-server';

void runServiceProcess('renkei-worker', ['DATABASE_URL', 'REDIS_URL'], async (config, logger) => {
  const db = connectPostgres(config.databaseUrl as string, 5);
  try {
    await collectProblems([
      probeDatabase(db),
      probeRedis(config.redisUrl as string),
      probePort(config.host, config.port, 'the worker'),
      probeMetricsPort(config.metrics),
    ]);
  } catch (error) {
    await db.close();
    throw error;
  }
  const metrics = createMetrics({ logger, processMetrics: true });
  const redis = connectRedis(config.redisUrl as string);
  redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
  const trustedCaPems = readTrustedCas(config.partnerCaFiles);
  // Our exchange identity (the key beside the CA, FHIR_BASE_URL) signs the calls to partners
  // (Art. 20-3); without FHIR_BASE_URL there is none, and the jobs that call partners are not run:
  // their events wait in rooms' outbox until a worker with FHIR_BASE_URL starts.
  // Opens our client keys towards mTLS partners, sealed by identity with the same KEK (CA_DIR/partner-keys.kek).
  const partnerKeys = openPartnerKeyVault(config.caDir);
  const exchange: ExchangeIdentity | undefined = config.fhirBaseUrl
    ? { ...(await openExchangeKeys(config.caDir)), fhirBaseUrl: config.fhirBaseUrl }
    : undefined;
  let queuesRunning = false;
  const app = workerApp({
    probes: { pingDatabase: () => db.ping(), pingRedis: () => redis.ping(), queuesRunning: () => queuesRunning },
    logger,
    fhir: exchange
      ? {
          db: db.prisma,
          exchange,
          trustedCaPems,
          vault: partnerKeys,
          rateLimits: { redis, keyPrefix: `${config.queuePrefix}:fhir-rate-limit`, limits: config.rateLimits },
          metrics,
        }
      : undefined,
  });
  // The port before the queues: a clash stops the start before any job has run.
  const http = await listenWorkerEndpoint(app, config, exchange !== undefined);
  const closeAll = async () => {
    await http.close();
    await redis.quit();
    await db.close();
  };
  // Subscriptions stored before their channel headers were sealed: sealed before any delivery job can run.
  const sealed = await sealClearSubscriptionHeaders(db.prisma, partnerKeys);
  if (sealed > 0) logger.info({ subscriptions: sealed }, 'sealed the channel headers of earlier subscriptions');
  // Signing the access chains' heads, unless AUDIT_CHECKPOINT_MINUTES=0 (then audit:checkpoint from a timer).
  const checkpoints = config.auditCheckpoints.everyMinutes > 0 ? config.auditCheckpoints : undefined;
  const workers = await startWorkers({
    redis,
    prefix: config.queuePrefix,
    deps: {
      db: db.prisma,
      identity: {
        db: db.prisma,
        settings: identitySettingsFrom(config.identity, config.clientCertMode !== 'off'),
        now: () => new Date(),
        principalsChanged: () => redisPrincipalEpoch(redis, config.queuePrefix).bump(),
      },
      rooms: db.prisma,
      consent: db.prisma,
      inbound: db.prisma,
      outbound: db.prisma,
      auditCheckpoints: checkpoints && { db: db.prisma, ...checkpoints },
      certificateExpiry: certificateExpiryOf(config),
      metrics,
      partnerCalls: exchange
        ? {
            exchange,
            trustedCaPems,
            transport: (partnerId) => partnerTransport({ db: db.prisma, partnerKeys }, partnerId),
            vault: partnerKeys,
            ...defaultPartnerCallTimings,
            metrics,
          }
        : undefined,
      logger,
    },
    every: auditCheckpointEvery(checkpoints),
    // A job whose worker died (killed, its machine lost) is taken by another replica within two locks.
    stalled: { lockDurationMs: config.jobLockMs, stalledIntervalMs: config.jobLockMs, maxStalledCount: 2 },
    definitions: jobDefinitions.filter(
      (job) =>
        (exchange || !job.needs.includes('partnerCalls')) && (checkpoints || !job.needs.includes('auditCheckpoints')),
    ),
    outbox: db.prisma,
  }).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  queuesRunning = true;
  // After the queues: the first scrape finds them running.
  const metricsServer = await listenMetrics(metrics, config.metrics, logger).catch(async (error: unknown) => {
    await workers.close();
    await closeAll();
    throw error;
  });
  logger.info(
    {
      queues: [...workers.queues.keys()],
      prefix: config.queuePrefix,
      url: http.url,
      partnerExchange: exchange ? `on (${exchange.fhirBaseUrl})` : 'off (no FHIR_BASE_URL)',
    },
    'worker ready',
  );
  return {
    stop: async () => {
      queuesRunning = false;
      await metricsServer?.close();
      await http.close();
      await workers.close();
      await redis.quit();
      await db.close();
    },
    reload: async () => (exchange ? reloadExchangeKeys(exchange, config.caDir) : {}),
  };
});
