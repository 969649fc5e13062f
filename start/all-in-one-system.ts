// The whole system in one process (npm start, after start/all-in-one.ts has
// locked DATA_DIR and made sure the generated code is current). With no
// DATABASE_URL it embeds PostgreSQL (PGlite) under DATA_DIR; with no
// REDIS_URL it runs a private redis-server from PATH under DATA_DIR. Either
// way it applies pending migrations itself and prints the GraphQL URL.
import { connectPostgres, withPgClient, type Database } from '../lib/database';
import { openEmbedded, type EmbeddedDatabase } from './embedded-database';
import { startEmbeddedRedis } from '../lib/embedded-redis';
import { probePort } from '../lib/http-server';
import { applyMigrations } from '../lib/migrations';
import { probeDatabase } from '../lib/probes';
import { connectRedis, probeRedis } from '../lib/redis';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import type { StopStack } from '../lib/stop-stack';
import { collectProblems } from '../lib/startup-error';
import { readSupergraph } from '../gateway/supergraph-file';
import { startSystem } from './system';
import { generateInternalKeyPair } from '../lib/access/internal-token';
import { openCertificateAuthority } from '../lib/pki/certificate-authority';
import { openAssertionKey, openExchangeKey } from '../lib/exchange/exchange-key';
import { certificateExpiryOf } from '../adapters/jobs/certificate-expiry';
import { openPartnerKeyVault } from '../lib/exchange/partner-key-vault';
import { warnIfCertificatesOff } from '../gateway/certificate-mode';
import { bootstrapSystemAdmin } from '../subgraphs/identity/services/bootstrap-service';
import { identitySettingsFrom } from '../subgraphs/identity/settings';
import { writeBootstrapFiles } from './bootstrap-files';
import { readTrustedCas } from '../adapters/partner/partner-calls';
import { loadR4Definitions } from '../adapters/fhir/validator';
import { loadPersistedOperations } from '../gateway/persisted-operations';
import { builtConsoleDir } from '../gateway/console';
import { probeMetricsPort } from '../lib/metrics/metrics-server';

/**
 * Starts everything; `stops` receives each part's stop in start order (stopped in reverse by the
 * caller). `embeddedDb`: the embedded database already being opened (no DATABASE_URL), its stop
 * already in `stops` once open.
 */
export async function startAllInOne(
  config: Config,
  logger: Logger,
  stops: Pick<StopStack, 'push'>,
  embeddedDb?: Promise<EmbeddedDatabase>,
): Promise<void> {
  const supergraphSdl = readSupergraph();
  const persistedOperations = loadPersistedOperations(
    config.graphql.persistedOperations.mode,
    config.graphql.persistedOperations.file,
  );
  await collectProblems([
    probePort(config.host, config.port, 'the gateway'),
    probeMetricsPort(config.metrics),
    config.redisUrl ? probeRedis(config.redisUrl) : Promise.resolve(null),
    config.databaseUrl ? probePostgres(config.databaseUrl) : Promise.resolve(null),
  ]);

  // Redis first: a missing redis-server is reported before the slower database start.
  let redisUrl = config.redisUrl;
  if (!redisUrl) {
    const embeddedRedis = await startEmbeddedRedis(config.redisServerBin, config.dataDir);
    stops.push(embeddedRedis.stop);
    redisUrl = embeddedRedis.url;
  }
  let db: Database;
  if (config.databaseUrl) {
    const applied = await withPgClient(config.databaseUrl, applyMigrations);
    db = connectPostgres(config.databaseUrl);
    logger.info({ applied }, 'migrations checked');
    stops.push(db.close);
  } else {
    const embedded = await (embeddedDb ?? openEmbedded(config.dataDir, stops));
    logger.info({ applied: embedded.migrationsApplied }, 'migrations checked');
    db = embedded;
  }

  const redis = connectRedis(redisUrl);
  redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
  await redis.connect();
  stops.push(async () => {
    await redis.quit();
  });

  const ca = await openCertificateAuthority(config.caDir);
  const identitySettings = identitySettingsFrom(config.identity, config.clientCertMode !== 'off');
  warnIfCertificatesOff(config.clientCertMode, logger);
  const bootstrap = await bootstrapSystemAdmin({
    db: db.prisma,
    settings: identitySettings,
    ca,
    now: () => new Date(),
  });
  const system = await startSystem({
    db,
    redis,
    host: config.host,
    port: config.port,
    queuePrefix: config.queuePrefix,
    supergraphSdl,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    principalCacheMs: config.principalCacheMs,
    logger,
    ca,
    identitySettings,
    // One process: the gateway's signing key never leaves memory and is new at every start.
    keys: await generateInternalKeyPair(),
    // Built (or found current) by start/all-in-one.ts before this module loaded.
    consoleDir: builtConsoleDir,
    // Partners register its public half: kept beside the CA and never regenerated.
    exchangeKey: await openExchangeKey(config.caDir),
    assertionKey: await openAssertionKey(config.caDir),
    partnerKeys: openPartnerKeyVault(config.caDir),
    fhirBaseUrl: config.fhirBaseUrl,
    exchangeDelivery: { partnerCalls: { trustedCaPems: readTrustedCas(config.partnerCaFiles) } },
    // Indexed right after "ready" below rather than before it (about a second).
    preloadFhirDefinitions: false,
    auditCheckpoints: config.auditCheckpoints,
    certificateExpiry: certificateExpiryOf(config),
    metrics: { listen: config.metrics, processMetrics: true },
    certificates: {
      mode: config.clientCertMode,
      tlsHostnames: config.tlsHostnames,
      trustedProxies: config.trustedProxies,
      header: config.clientCertHeader,
    },
    gatewayProtection: {
      limits: config.graphql.limits,
      introspection: config.graphql.introspection,
      fieldSuggestions: config.graphql.fieldSuggestions,
      persistedOperations,
      rateLimits: config.rateLimits,
      corsOrigins: config.corsOrigins,
      graphiql: config.graphql.graphiql,
    },
  });
  stops.push(system.stop);
  if (bootstrap) process.stdout.write(writeBootstrapFiles(config.dataDir, config.caDir, bootstrap));
  logger.info(
    { database: db.location, redis: config.redisUrl ? 'REDIS_URL' : 'embedded redis-server' },
    'all services started',
  );
  const metricsLine = system.metricsServer ? `Metrics (internal): ${system.metricsServer.url}/metrics\n` : '';
  const graphiql = config.graphql.graphiql ? `GraphiQL (development): ${system.gateway.url}/graphiql\n` : '';
  process.stdout.write(
    `\nRenkei is ready. GraphQL: ${system.gateway.url}/graphql\nConsole: ${system.gateway.url}/\n${graphiql}Partner exchange (FHIR R4): ${system.exchange.fhirBaseUrl}\n${metricsLine}\n`,
  );
  // A laptop's first partner request is rare; the developer's first GraphQL request is not: the
  // definitions are indexed once the system answers, not before.
  setImmediate(loadR4Definitions);
}

async function probePostgres(url: string): Promise<string | null> {
  const probe = connectPostgres(url, 1);
  try {
    return await probeDatabase(probe);
  } finally {
    await probe.close();
  }
}
