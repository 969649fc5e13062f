// The gateway process (production mode): subgraph URLs and Redis from config;
// it verifies client certificates against the network CA (CA_CERT_FILE, or
// CA_DIR) and signs internal tokens with INTERNAL_TOKEN_KEY_FILE (re-read on
// SIGHUP: a key rotation, README Operations). Its server certificate comes
// from TLS_CERT_FILE/TLS_KEY_FILE, or is issued from the CA in CA_DIR at start
// (lib/server-tls.ts). Its metrics are served on their own internal listener
// (METRICS_HOST, METRICS_PORT), never on PORT.
import fs from 'node:fs';
import path from 'node:path';
import { subgraphNames, type SubgraphName } from '../lib/config';
import { openInternalTokenSigner } from '../lib/access/key-files';
import { listen, probePort } from '../lib/http-server';
import { listenHttps } from '../lib/https-server';
import { networkCaCertificate, serverTls } from '../lib/server-tls';
import { connectRedis, probeRedis } from '../lib/redis';
import { runServiceProcess } from '../lib/service-process';
import { collectProblems } from '../lib/startup-error';
import { createPrincipalResolver } from './principal-resolver';
import { createPrincipalCache } from './principal-cache';
import { redisPrincipalEpoch } from '../lib/access/principal-epoch';
import { warnIfCertificatesOff } from './certificate-mode';
import { builtConsoleDir } from './console';
import { createGatewayServer } from './server';
import { loadPersistedOperations } from './persisted-operations';
import { readSupergraph } from './supergraph-file';
import { createMetrics } from '../lib/metrics/metrics';
import { listenMetrics, probeMetricsPort } from '../lib/metrics/metrics-server';

void runServiceProcess(
  'renkei-gateway',
  ['IDENTITY_URL', 'ROOMS_URL', 'CONSENT_URL', 'REDIS_URL', 'INTERNAL_TOKEN_KEY_FILE'],
  async (config, logger) => {
    const redisUrl = config.redisUrl as string;
    const signer = await openInternalTokenSigner(config.internalTokenKeyFile);
    const sign = signer.use;
    await collectProblems([
      probeRedis(redisUrl),
      probePort(config.host, config.port, 'the gateway'),
      probeMetricsPort(config.metrics),
    ]);
    const metrics = createMetrics({ logger, processMetrics: true });
    const supergraphSdl = readSupergraph();
    const persistedOperations = loadPersistedOperations(
      config.graphql.persistedOperations.mode,
      config.graphql.persistedOperations.file,
    );
    // Only the CA's certificate is needed to check terminals; its key only to issue our own server certificate.
    const tls = config.clientCertMode === 'tls' ? await serverTls(config) : undefined;
    const caCertificatePem = tls?.caCertificatePem ?? (await networkCaCertificate(config));
    warnIfCertificatesOff(config.clientCertMode, logger);
    const redis = connectRedis(redisUrl);
    redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
    await redis.connect();
    const subgraphUrls = Object.fromEntries(subgraphNames.map((n) => [n, config.subgraphUrls[n] as string])) as Record<
      SubgraphName,
      string
    >;
    const identityBase = new URL(subgraphUrls.identity);
    identityBase.pathname = '/internal/resolve-principal';
    const gateway = await createGatewayServer({
      supergraphSdl,
      subgraphUrls,
      subgraphTimeoutMs: config.subgraphTimeoutMs,
      pingRedis: () => redis.ping(),
      resolvePrincipal: createPrincipalResolver({
        mode: config.clientCertMode,
        certificates: {
          caCertificatePem,
          trustedProxies: config.trustedProxies,
          proxyHeader: config.clientCertHeader,
        },
        identityResolveUrl: identityBase.toString(),
        sign,
        timeoutMs: config.subgraphTimeoutMs,
        cache: createPrincipalCache({
          epoch: redisPrincipalEpoch(redis, config.queuePrefix),
          ttlMs: config.principalCacheMs,
        }),
        metrics,
      }),
      sign,
      logger,
      metrics,
      // `npm run build` builds it; a gateway without one serves the graph alone.
      consoleDir: fs.existsSync(path.join(builtConsoleDir, 'index.html')) ? builtConsoleDir : undefined,
      protection: {
        limits: config.graphql.limits,
        introspection: config.graphql.introspection,
        fieldSuggestions: config.graphql.fieldSuggestions,
        persistedOperations,
        rateLimits: { redis, keyPrefix: `${config.queuePrefix}:rate-limit`, limits: config.rateLimits },
        corsOrigins: config.corsOrigins,
        graphiql: config.graphql.graphiql,
      },
    });
    const http = tls
      ? await listenHttps(gateway.app, config.host, config.port, 'the gateway', tls)
      : await listen(gateway.app, config.host, config.port, 'the gateway');
    const metricsServer = await listenMetrics(metrics, config.metrics, logger).catch(async (error: unknown) => {
      await http.close();
      await gateway.stop();
      await redis.quit();
      throw error;
    });
    logger.info({ url: `${http.url}/graphql`, clientCertificates: config.clientCertMode }, 'gateway ready');
    return {
      stop: async () => {
        await metricsServer?.close();
        await http.close();
        await gateway.stop();
        await redis.quit();
      },
      reload: async () => ({ internalTokenKey: (await signer.reload())[0] }),
    };
  },
);
