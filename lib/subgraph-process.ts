// Entry point shared by the three subgraph processes (production mode):
// each owns a PostgreSQL connection pool, verifies the gateway's internal
// tokens with the public key(s), and listens on PORT; its metrics (lib/metrics)
// on their own internal listener (METRICS_HOST, METRICS_PORT). SIGHUP re-reads
// the public key file (a key rotation: README, Operations) and whatever the
// subgraph adds (identity: the exchange keys it shows).
import type { VerifyInternalToken } from './access/internal-token';
import { openInternalTokenVerifier } from './access/key-files';
import type { Config, SubgraphName } from './config';
import { connectPostgres, type Database } from './database';
import { listen, probePort } from './http-server';
import type { Logger } from './logger';
import { probeDatabase } from './probes';
import { connectRedis, probeRedis, type Redis } from './redis';
import { runServiceProcess } from './service-process';
import { collectProblems } from './startup-error';
import type { SubgraphServer } from './subgraph-server';
import { createMetrics, type Metrics } from './metrics/metrics';
import { listenMetrics, probeMetricsPort } from './metrics/metrics-server';

export interface SubgraphProcessContext {
  db: Database;
  logger: Logger;
  verifyToken: VerifyInternalToken;
  config: Config;
  /** Connected when the subgraph asked for it (identity: the principal epoch). */
  redis: Redis | null;
  /** Called on SIGHUP after the internal-token keys are re-read (identity re-reads its exchange keys). */
  onReload(reload: () => Promise<Record<string, unknown>>): void;
  /** This process's metrics, served at /metrics on the metrics listener. */
  metrics: Metrics;
}

/** What every subgraph process requires; a subgraph that needs Redis (identity) requires REDIS_URL too. */
export const subgraphRequirements = ['DATABASE_URL', 'INTERNAL_TOKEN_PUBLIC_KEY_FILE'] as const;

export function runSubgraphProcess(
  name: SubgraphName,
  createServer: (context: SubgraphProcessContext) => Promise<SubgraphServer>,
  needs: { redis?: boolean } = {},
): Promise<void> {
  return runServiceProcess(
    `renkei-${name}`,
    [...subgraphRequirements, ...(needs.redis ? (['REDIS_URL'] as const) : [])],
    async (config, logger) => {
      const verifier = await openInternalTokenVerifier(config.internalTokenPublicKeyFile);
      const db = connectPostgres(config.databaseUrl as string);
      try {
        await collectProblems([
          probeDatabase(db),
          probePort(config.host, config.port, `the ${name} subgraph`),
          needs.redis ? probeRedis(config.redisUrl as string) : Promise.resolve(null),
          probeMetricsPort(config.metrics),
        ]);
      } catch (error) {
        await db.close();
        throw error;
      }
      const redis = needs.redis ? connectRedis(config.redisUrl as string) : null;
      if (redis) {
        redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
        await redis.connect();
      }
      const reloads: Array<() => Promise<Record<string, unknown>>> = [];
      const metrics = createMetrics({ logger, processMetrics: true });
      const server = await createServer({
        db,
        logger,
        verifyToken: verifier.use,
        config,
        redis,
        metrics,
        onReload: (reload) => reloads.push(reload),
      });
      const http = await listen(server.app, config.host, config.port, `the ${name} subgraph`);
      const metricsServer = await listenMetrics(metrics, config.metrics, logger).catch(async (error: unknown) => {
        await http.close();
        await server.stop();
        redis?.disconnect();
        await db.close();
        throw error;
      });
      logger.info({ url: `${http.url}/graphql`, database: db.location }, `${name} subgraph ready`);
      return {
        stop: async () => {
          await metricsServer?.close();
          await http.close();
          await server.stop();
          redis?.disconnect();
          await db.close();
        },
        reload: async () => {
          let facts: Record<string, unknown> = { internalTokenKeys: await verifier.reload() };
          for (const reload of reloads) facts = { ...facts, ...(await reload()) };
          return facts;
        },
      };
    },
  );
}
