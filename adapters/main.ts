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
import { identitySettingsFrom } from '../subgraphs/identity/settings';

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
  const workers = await startWorkers({ redis, prefix: config.queuePrefix, deps: { db: db.prisma, identity: { db: db.prisma, settings: identitySettingsFrom(config.identity, config.clientCertMode !== 'off'), now: () => new Date() }, rooms: db.prisma, consent: db.prisma, inbound: db.prisma, logger }, definitions: jobDefinitions, outbox: db.prisma });
  logger.info({ queues: [...workers.queues.keys()], prefix: config.queuePrefix }, 'worker ready');
  // Art. 20-2 in production: with FHIR_BASE_URL set, this process also serves the partner exchange endpoint.
  const fhir = await startFhirEndpoint(db.prisma, config, logger);
  return async () => {
    await fhir?.server.close();
    await workers.close();
    await redis.quit();
    await db.close();
  };
});
