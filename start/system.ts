// The whole system in one process: the three subgraphs on private loopback
// ports, the gateway in front of them and the workers, over one database
// and one Redis. Used by the all-in-one start and by the end-to-end tests.
// Subgraphs are reached over real HTTP even here, so this mode exercises
// exactly the gateway-to-subgraph path that production uses. One process,
// so one Metrics registry for all of it (lib/metrics/metrics.ts), served at
// /metrics on its own listener when asked for.
import type { SyslogTarget } from '../lib/audit/checkpoint-syslog';
import type { Redis } from 'ioredis';
import { type GatewayRateLimits, type PartnerRateLimits, type SubgraphName } from '../lib/config';
import type { Database } from '../lib/database';
import { listen, type RunningServer } from '../lib/http-server';
import { listenHttps } from '../lib/https-server';
import type { Logger } from '../lib/logger';
import { internalTokenSigner, internalTokenVerifier, type InternalKeyPair } from '../lib/access/internal-token';
import type { CertificateAuthority } from '../lib/pki/certificate-authority';
import { createGatewayServer, type GatewayProtection } from '../gateway/server';
import { createPrincipalResolver, type CertificateMode } from '../gateway/principal-resolver';
import { createPrincipalCache, maxPrincipalCacheMs } from '../gateway/principal-cache';
import { redisPrincipalEpoch } from '../lib/access/principal-epoch';
import { createIdentityServer } from '../subgraphs/identity/server';
import { resolvePrincipalPath } from '../subgraphs/identity/internal-routes';
import type { IdentitySettings } from '../subgraphs/identity/settings';
import { createRoomsServer } from '../subgraphs/rooms/server';
import { createConsentServer } from '../subgraphs/consent/server';
import type { CertificateExpirySettings } from '../adapters/jobs/certificate-expiry';
import { jobDefinitions } from '../adapters/jobs';
import { auditCheckpointEvery } from '../adapters/jobs/audit-checkpoint';
import { startWorkers, type RunningWorkers } from '../adapters/workers';
import { fhirRouter } from '../adapters/fhir/router';
import { sealClearSubscriptionHeaders } from '../adapters/fhir/subscriptions/subscription-service';
import { defaultPartnerCallTimings, type PartnerCallSettings } from '../adapters/partner/partner-calls';
import type { ExchangeRetryPolicy } from '../adapters/backoff';
import {
  generateAssertionKey,
  generateExchangeKey,
  type ExchangeIdentity,
  type ExchangeKey,
} from '../lib/exchange/exchange-key';
import { memoryPartnerKeyVault, type PartnerKeyVault } from '../lib/exchange/partner-key-vault';
import { partnerTransport } from '../subgraphs/identity/partners/partner-service';
import { createMetrics, type Metrics } from '../lib/metrics/metrics';
import { listenMetrics, type MetricsListen } from '../lib/metrics/metrics-server';
import { stopStack } from '../lib/stop-stack';

export interface SystemOptions {
  /** The built web console to serve at / (dist/console); none when absent. */
  consoleDir?: string;
  db: Database;
  /**
   * Each service's own connection (its database role, lib/database-roles.ts), as the production
   * processes have; `db` for any not given. The partner endpoint (/fhir) is the worker's in
   * production, so it uses the worker's. The all-in-one start (one PGlite connection) gives none.
   */
  databases?: Partial<Record<SubgraphName | 'worker', Database>>;
  redis: Redis;
  host: string;
  port: number;
  queuePrefix: string;
  supergraphSdl: string;
  subgraphTimeoutMs: number;
  /** How long the gateway may reuse a resolved principal while identity's epoch stands; default 1000 (the most). */
  principalCacheMs?: number;
  logger: Logger;
  ca: CertificateAuthority;
  identitySettings: IdentitySettings;
  keys: InternalKeyPair;
  certificates: { mode: CertificateMode; tlsHostnames: string[]; trustedProxies: string[]; header: string };
  now?: () => Date;
  /** Start the BullMQ workers too (default true). */
  workers?: boolean;
  /**
   * Art. 20-3 outbound delivery: whom to trust when calling partners (their
   * private CAs, PEM), call timings, retries, stalled-job recovery and
   * repeating jobs' intervals (tests shorten them). Defaults: system CAs only,
   * adapters/partner/partner-calls.ts and adapters/backoff.ts.
   */
  exchangeDelivery?: {
    partnerCalls?: Partial<Omit<PartnerCallSettings, 'exchange' | 'transport'>>;
    retry?: ExchangeRetryPolicy;
    stalled?: { lockDurationMs: number; stalledIntervalMs: number; maxStalledCount: number };
    every?: Readonly<Record<string, number>>;
  };
  /** The installation's partner-exchange key (CA_DIR/exchange-ed25519.key); a fresh in-memory one when absent (tests). */
  exchangeKey?: ExchangeKey;
  /** Our SMART client-assertion key (CA_DIR/exchange-es384.key); a fresh in-memory one when absent (tests). */
  assertionKey?: ExchangeKey;
  /** Seals our client keys towards mTLS partners (CA_DIR/partner-keys.kek); an in-memory one when absent (tests). */
  partnerKeys?: PartnerKeyVault;
  /** The exchange endpoint's public base URL (FHIR_BASE_URL); default: the gateway's URL + /fhir. */
  fhirBaseUrl?: string;
  /**
   * The gateway's abuse limits and production settings (config's GRAPHQL_*,
   * PERSISTED_OPERATIONS*, RATE_LIMIT_*); each one absent takes the
   * gateway's secure default, and rate limits (counted in `redis` under
   * `queuePrefix`) are off unless given.
   */
  gatewayProtection?: Partial<Omit<GatewayProtection, 'rateLimits'>> & {
    /** The partner endpoint's limits apply only where given (the entry points give them all). */
    rateLimits?: GatewayRateLimits & Partial<PartnerRateLimits>;
  };
  /** Index the FHIR R4 definitions at start (default true; adapters/fhir/router.ts). */
  preloadFhirDefinitions?: boolean;
  /**
   * Sign the access chains' heads at intervals (config's AUDIT_CHECKPOINT_*): the key file, the
   * checkpoint directory and the interval. Absent (tests): the job is not scheduled.
   */
  auditCheckpoints?: { keyFile: string; checkpointDir: string; everyMinutes: number; syslog?: SyslogTarget | null };
  /** Warnings before certificates expire (CERTIFICATE_EXPIRY_*); default: 30 and 7 days, the terminal registry only. */
  certificateExpiry?: CertificateExpirySettings;
  /**
   * Prometheus metrics: always counted (RunningSystem.metrics); GET /metrics served at `listen` when
   * given (config.metrics; port 0: an ephemeral one). processMetrics: Node's own (CPU, memory, event loop).
   */
  metrics?: { listen: MetricsListen | null; processMetrics?: boolean };
}

export interface RunningSystem {
  gateway: RunningServer;
  /** Our exchange identity; fhirBaseUrl is the gateway's URL + /fhir. */
  exchange: ExchangeIdentity;
  /** The vault identity sealed partner client keys with: what partnerTransport needs to open them. */
  partnerKeys: PartnerKeyVault;
  subgraphs: Record<SubgraphName, RunningServer>;
  workers: RunningWorkers | undefined;
  /** Everything this system counts (lib/metrics). */
  metrics: Metrics;
  /** The /metrics listener, when options.metrics.listen was given. */
  metricsServer: RunningServer | null;
  stop(): Promise<void>;
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const stops = stopStack();
  try {
    const verifyToken = await internalTokenVerifier(options.keys.publicKeyPem);
    const sign = await internalTokenSigner(options.keys.privateKeyPem);
    const now = options.now ?? (() => new Date());
    const dbOf = (service: SubgraphName | 'worker') => options.databases?.[service] ?? options.db;
    const worker = dbOf('worker').prisma;
    const base = { logger: options.logger, verifyToken };
    // Identity moves it on after every mutation; the gateway reuses principals only while it stands.
    const principalEpoch = redisPrincipalEpoch(options.redis, options.queuePrefix);
    // The FHIR base URL is known once the gateway listens (an ephemeral port in tests): filled in below.
    const exchange: ExchangeIdentity = {
      key: options.exchangeKey ?? (await generateExchangeKey()),
      assertionKey: options.assertionKey ?? (await generateAssertionKey()),
      fhirBaseUrl: '',
    };
    const partnerKeys = options.partnerKeys ?? memoryPartnerKeyVault();
    const metrics = createMetrics({ logger: options.logger, processMetrics: options.metrics?.processMetrics });
    const servers = {
      identity: await createIdentityServer({
        ...base,
        db: dbOf('identity'),
        ca: options.ca,
        settings: options.identitySettings,
        now,
        exchange,
        partnerKeys,
        principalEpoch,
        metrics,
      }),
      rooms: await createRoomsServer({ ...base, db: dbOf('rooms'), now, metrics }),
      consent: await createConsentServer({ ...base, db: dbOf('consent'), now }),
    };
    const subgraphs = {} as Record<SubgraphName, RunningServer>;
    for (const [name, server] of Object.entries(servers) as Array<[SubgraphName, (typeof servers)[SubgraphName]]>) {
      stops.push(server.stop);
      const http = await listen(server.app, '127.0.0.1', 0, `the ${name} subgraph`);
      stops.push(http.close);
      subgraphs[name] = http;
    }
    const { mode, tlsHostnames, trustedProxies, header } = options.certificates;
    const { rateLimits, ...protection } = options.gatewayProtection ?? {};
    const gatewayServer = await createGatewayServer({
      supergraphSdl: options.supergraphSdl,
      subgraphUrls: {
        identity: `${subgraphs.identity.url}/graphql`,
        rooms: `${subgraphs.rooms.url}/graphql`,
        consent: `${subgraphs.consent.url}/graphql`,
      },
      subgraphTimeoutMs: options.subgraphTimeoutMs,
      pingRedis: () => options.redis.ping(),
      now,
      resolvePrincipal: createPrincipalResolver({
        mode,
        certificates: { caCertificatePem: options.ca.caCertificatePem, trustedProxies, proxyHeader: header },
        identityResolveUrl: `${subgraphs.identity.url}${resolvePrincipalPath}`,
        sign,
        timeoutMs: options.subgraphTimeoutMs,
        cache: createPrincipalCache({
          epoch: principalEpoch,
          ttlMs: options.principalCacheMs ?? maxPrincipalCacheMs,
          // Identity's clock: a session's expiry is in its time (a test's clock, in tests).
          now: () => now().getTime(),
        }),
        metrics,
      }),
      sign,
      logger: options.logger,
      consoleDir: options.consoleDir,
      metrics,
      protection: {
        ...protection,
        rateLimits: rateLimits
          ? { redis: options.redis, keyPrefix: `${options.queuePrefix}:rate-limit`, limits: rateLimits }
          : null,
      },
      // Art. 20-2: the FHIR endpoint for partner systems, on the gateway's port (its base URL: exchange.fhirBaseUrl).
      routes: (app) =>
        app.use(
          '/fhir',
          fhirRouter({
            db: worker,
            exchange,
            logger: options.logger,
            now,
            preloadDefinitions: options.preloadFhirDefinitions,
            vault: partnerKeys,
            metrics,
            trustedCaPems: options.exchangeDelivery?.partnerCalls?.trustedCaPems ?? [],
            rateLimits: rateLimits
              ? {
                  redis: options.redis,
                  keyPrefix: `${options.queuePrefix}:fhir-rate-limit`,
                  limits: {
                    partnerTokenPerMinute: rateLimits.partnerTokenPerMinute ?? 0,
                    partnerPerMinute: rateLimits.partnerPerMinute ?? 0,
                  },
                }
              : null,
          }),
        ),
    });
    stops.push(gatewayServer.stop);
    const gateway =
      mode === 'tls'
        ? await listenHttps(gatewayServer.app, options.host, options.port, 'the gateway', {
            ...options.ca.issueServerCertificate(tlsHostnames),
            caCertificatePem: options.ca.caCertificatePem,
          })
        : await listen(gatewayServer.app, options.host, options.port, 'the gateway');
    stops.push(gateway.close);
    exchange.fhirBaseUrl = options.fhirBaseUrl ?? `${gateway.url}/fhir`;

    let workers: RunningWorkers | undefined;
    const checkpoints = options.auditCheckpoints?.everyMinutes ? options.auditCheckpoints : undefined;
    if (options.workers !== false) {
      // Subscriptions stored before their channel headers were sealed: sealed before any delivery job can run.
      const sealed = await sealClearSubscriptionHeaders(worker, partnerKeys);
      if (sealed > 0)
        options.logger.info({ subscriptions: sealed }, 'sealed the channel headers of earlier subscriptions');
      workers = await startWorkers({
        redis: options.redis,
        prefix: options.queuePrefix,
        deps: {
          db: worker,
          identity: {
            db: worker,
            settings: options.identitySettings,
            now,
            principalsChanged: () => principalEpoch.bump(),
          },
          rooms: worker,
          consent: worker,
          logger: options.logger,
          metrics,
          outbound: worker,
          inbound: worker,
          auditCheckpoints: checkpoints && { db: worker, ...checkpoints },
          certificateExpiry: options.certificateExpiry,
          partnerCalls: {
            exchange,
            trustedCaPems: [],
            // Each partner's CA and our client certificate for it, read from the registry per call (no restart on a change).
            transport: (partnerId) => partnerTransport({ db: worker, partnerKeys }, partnerId),
            vault: partnerKeys,
            ...defaultPartnerCallTimings,
            ...options.exchangeDelivery?.partnerCalls,
            metrics,
          },
        },
        exchangeRetry: options.exchangeDelivery?.retry,
        stalled: options.exchangeDelivery?.stalled,
        every: { ...auditCheckpointEvery(checkpoints), ...options.exchangeDelivery?.every },
        definitions: checkpoints
          ? jobDefinitions
          : jobDefinitions.filter((job) => !job.needs.includes('auditCheckpoints')),
        outbox: worker,
      });
      stops.push(workers.close);
    }
    // Last to start, first to stop: a scrape never reads a part that is not running.
    const metricsServer = await listenMetrics(metrics, options.metrics?.listen ?? null, options.logger);
    if (metricsServer) stops.push(metricsServer.close);
    return { gateway, exchange, partnerKeys, subgraphs, workers, metrics, metricsServer, stop: stops.stopAll };
  } catch (error) {
    await stops.stopAll();
    throw error;
  }
}
