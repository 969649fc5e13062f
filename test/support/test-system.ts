// Boots the gateway, the three subgraphs and the workers as real HTTP(S)
// servers on ephemeral ports, over a private test database, Redis prefix
// and certificate authority. `mode: 'tls'` serves the gateway over HTTPS
// and requires client certificates, as in production; `mode: 'off'` is the
// development switch, for tests about other things than certificates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectRedis, type Redis } from '../../lib/redis';
import { generateInternalKeyPair, type InternalKeyPair } from '../../lib/access/internal-token';
import { openCertificateAuthority, type CertificateAuthority } from '../../lib/pki/certificate-authority';
import { builtConsoleDir } from '../../gateway/console';
import { readSupergraph } from '../../gateway/supergraph-file';
import type { CertificateMode } from '../../gateway/principal-resolver';
import type { BootstrapSecrets } from '../../subgraphs/identity/services/bootstrap-service';
import { defaultIdentitySettings, type IdentitySettings } from '../../subgraphs/identity/settings';
import { startSystem, type RunningSystem, type SystemOptions } from '../../start/system';
import { bootstrapSecretsFile, caTemplateDir, redisUrl, uniqueName } from './environment';
import type { Logger } from '../../lib/logger';
import { silentLogger } from './silent-logger';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestSystem {
  system: RunningSystem;
  db: TestDatabase;
  redis: Redis;
  ca: CertificateAuthority;
  settings: IdentitySettings;
  graphqlUrl: string;
  /** The first system administrator (one-time password, terminal certificate). */
  bootstrap: BootstrapSecrets;
  /** The gateway's internal-token keys, for tests that call a subgraph as the gateway would. */
  internalKeys: InternalKeyPair;
  /** This system's Redis key prefix (queues, rate limits, the principal epoch). */
  queuePrefix: string;
  /** GET /metrics of this system (options.metrics), else null. */
  metricsUrl: string | null;
  stop(): Promise<void>;
}

/** The first system administrator the template database was bootstrapped with (test/support/global-setup.ts). */
function templateBootstrap(): BootstrapSecrets {
  const stored = JSON.parse(fs.readFileSync(bootstrapSecretsFile, 'utf8')) as Omit<BootstrapSecrets, 'pkcs12'> & {
    pkcs12: string;
  };
  return { ...stored, pkcs12: Buffer.from(stored.pkcs12, 'base64') };
}

export async function startTestSystem(
  options: {
    workers?: boolean;
    mode?: CertificateMode;
    now?: () => Date;
    settings?: Partial<IdentitySettings>;
    exchangeDelivery?: SystemOptions['exchangeDelivery'];
    /** The gateway's limits and production settings; its secure defaults when absent (rate limits off). */
    gatewayProtection?: SystemOptions['gatewayProtection'];
    /** Default: silent (TEST_LOG_LEVEL). */
    logger?: Logger;
    /** Serve the built web console at / (dist/console, built by `npm run generate`). */
    console?: boolean;
    /** Serve /metrics on an ephemeral port, with the process metrics (metricsUrl). Counted either way. */
    metrics?: boolean;
  } = {},
): Promise<TestSystem> {
  const mode = options.mode ?? 'off';
  const db = await createTestDatabase();
  const redis = connectRedis(redisUrl);
  await redis.connect();
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-test-ca-'));
  fs.cpSync(caTemplateDir, caDir, { recursive: true });
  const ca = await openCertificateAuthority(caDir);
  const settings: IdentitySettings = {
    ...defaultIdentitySettings,
    clientCertificateRequired: mode !== 'off',
    ...options.settings,
  };
  const now = options.now ?? (() => new Date());
  const bootstrap = templateBootstrap();
  const prefix = uniqueName('renkei-test').replace(/_/g, '-');
  const internalKeys = await generateInternalKeyPair();
  const system = await startSystem({
    consoleDir: options.console ? builtConsoleDir : undefined,
    db,
    // Each service as its own database role, as in production: every e2e test exercises the grants.
    // Pools open connections on demand; the worker's 5 is production's (adapters/main.ts), which a
    // burst of partner requests to /fhir needs (interactive transactions wait 2 s for a connection).
    databases: {
      identity: db.connectAs('identity', 4),
      rooms: db.connectAs('rooms', 4),
      consent: db.connectAs('consent', 4),
      worker: db.connectAs('worker', 5),
    },
    redis,
    host: '127.0.0.1',
    port: 0,
    queuePrefix: prefix,
    supergraphSdl: readSupergraph(),
    subgraphTimeoutMs: 5_000,
    logger: options.logger ?? silentLogger,
    workers: options.workers ?? false,
    gatewayProtection: options.gatewayProtection,
    exchangeDelivery: options.exchangeDelivery,
    // Most files never call /fhir: the R4 definitions are indexed on the first validation instead.
    preloadFhirDefinitions: false,
    ca,
    identitySettings: settings,
    keys: internalKeys,
    certificates: {
      mode,
      tlsHostnames: ['127.0.0.1', 'localhost'],
      trustedProxies: [],
      header: 'x-client-certificate',
    },
    now,
    metrics: options.metrics ? { listen: { host: '127.0.0.1', port: 0 }, processMetrics: true } : undefined,
  });
  return {
    system,
    db,
    redis,
    ca,
    settings,
    bootstrap,
    internalKeys,
    queuePrefix: prefix,
    graphqlUrl: `${system.gateway.url}/graphql`,
    metricsUrl: system.metricsServer ? `${system.metricsServer.url}/metrics` : null,
    stop: async () => {
      await system.stop();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await db.drop();
      fs.rmSync(caDir, { recursive: true, force: true });
    },
  };
}
