// A whole system booted the way an installation keeps its state: a database
// (a PostgreSQL URL) and a data directory with the network CA, the exchange
// keys and the partner-key KEK in DATA_DIR/ca and the internal-token keys in
// DATA_DIR/keys, all opened from files (test-system.ts keeps most of them in
// memory). The backup drill boots one, backs it up, destroys it and boots
// another on what the restore brought back.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ensureInternalKeyFiles } from '../../lib/access/key-files';
import { openAssertionKey, openExchangeKey } from '../../lib/exchange/exchange-key';
import { openPartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import { connectRedis } from '../../lib/redis';
import { readSupergraph } from '../../gateway/supergraph-file';
import type { CertificateMode } from '../../gateway/principal-resolver';
import type { BootstrapSecrets } from '../../subgraphs/identity/services/bootstrap-service';
import { defaultIdentitySettings } from '../../subgraphs/identity/settings';
import { startSystem } from '../../start/system';
import { adminDatabaseUrl, bootstrapSecretsFile, databasePrefix, redisUrl, uniqueName } from './environment';
import { silentLogger } from './silent-logger';
import { testDatabaseAt, type TestDatabase } from './test-database';
import type { TestSystem } from './test-system';

/** A newly created database with nothing in it (CREATE DATABASE from template0), as a restore wants it. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const name = uniqueName(databasePrefix);
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE template0`);
  return testDatabaseAt(name);
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Boots the gateway, subgraphs and /fhir over `db` and the keys in `dataDir` (created there when absent). */
export async function startInstallation(options: {
  db: TestDatabase;
  dataDir: string;
  mode: CertificateMode;
}): Promise<TestSystem> {
  const caDir = path.join(options.dataDir, 'ca');
  const ca = await openCertificateAuthority(caDir);
  const keyFiles = await ensureInternalKeyFiles(path.join(options.dataDir, 'keys'));
  const internalKeys = {
    privateKeyPem: fs.readFileSync(keyFiles.privateKeyFile, 'utf8'),
    publicKeyPem: fs.readFileSync(keyFiles.publicKeyFile, 'utf8'),
  };
  const redis = connectRedis(redisUrl);
  await redis.connect();
  const prefix = uniqueName('renkei-install').replace(/_/g, '-');
  const settings = { ...defaultIdentitySettings, clientCertificateRequired: options.mode !== 'off' };
  const system = await startSystem({
    db: options.db,
    redis,
    host: '127.0.0.1',
    port: 0,
    queuePrefix: prefix,
    supergraphSdl: readSupergraph(),
    subgraphTimeoutMs: 5_000,
    logger: silentLogger,
    workers: false,
    preloadFhirDefinitions: false,
    ca,
    identitySettings: settings,
    keys: internalKeys,
    exchangeKey: await openExchangeKey(caDir),
    assertionKey: await openAssertionKey(caDir),
    partnerKeys: openPartnerKeyVault(caDir),
    certificates: {
      mode: options.mode,
      tlsHostnames: ['127.0.0.1', 'localhost'],
      trustedProxies: [],
      header: 'x-client-certificate',
    },
    now: () => new Date(),
  });
  const stored = JSON.parse(fs.readFileSync(bootstrapSecretsFile, 'utf8')) as Omit<BootstrapSecrets, 'pkcs12'> & {
    pkcs12: string;
  };
  return {
    system,
    db: options.db,
    redis,
    ca,
    settings,
    bootstrap: { ...stored, pkcs12: Buffer.from(stored.pkcs12, 'base64') },
    internalKeys,
    queuePrefix: prefix,
    graphqlUrl: `${system.gateway.url}/graphql`,
    metricsUrl: null,
    stop: async () => {
      await system.stop();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}
