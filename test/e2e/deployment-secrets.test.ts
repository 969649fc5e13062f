// docker-compose's secret layout through the real entry points: init-secrets
// fills one directory per volume (the CA with the keys beside it, the
// gateway's signing key, the public files, the server certificate), and the
// gateway then starts with the CA's certificate alone and its server
// certificate from files: it answers HTTPS with that certificate, and never
// opens (or creates) a CA directory. The worker starts with the copy of
// CA_DIR without the CA key and serves the exchange, signing with the same
// keys as the full CA_DIR holds.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { openAssertionKey, openExchangeKey } from '../../lib/exchange/exchange-key';
import { redisUrl, uniqueName } from '../support/environment';
import { freePort, minimalEnv, runToExit, spawnEntry, type ServiceProcess } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { clearRedisPrefixes } from '../support/redis-keys';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-deployment-secrets-'));
const volumes = {
  ca: path.join(root, 'ca'),
  exchange: path.join(root, 'exchange'),
  audit: path.join(root, 'audit'),
  internalToken: path.join(root, 'internal-token'),
  public: path.join(root, 'public'),
  tls: path.join(root, 'tls'),
};
const files = {
  CA_CERT_FILE: path.join(volumes.public, 'ca.crt'),
  INTERNAL_TOKEN_KEY_FILE: path.join(volumes.internalToken, 'internal-token.key'),
  INTERNAL_TOKEN_PUBLIC_KEY_FILE: path.join(volumes.public, 'internal-token.pub'),
  TLS_CERT_FILE: path.join(volumes.tls, 'server.crt'),
  TLS_KEY_FILE: path.join(volumes.tls, 'server.key'),
};
let gateway: ServiceProcess | undefined;
let worker: ServiceProcess | undefined;
let db: TestDatabase | undefined;
const prefix = uniqueName('renkei-deploy').replace(/_/g, '-');

afterAll(async () => {
  gateway?.killGroup();
  worker?.killGroup();
  await db?.drop();
  await clearRedisPrefixes(prefix);
  fs.rmSync(root, { recursive: true, force: true });
});

/** GET over HTTPS trusting the network CA alone: the status, the body and the server certificate's fingerprint. */
function httpsGet(port: number, pathname: string): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: pathname, ca: fs.readFileSync(files.CA_CERT_FILE), agent: false },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
      },
    );
    req.on('error', reject);
  });
}

it('init-secrets prepares every volume, and the gateway serves with the CA certificate alone', async () => {
  const init = await runToExit(
    'scripts/init-secrets.ts',
    minimalEnv({
      CA_DIR: volumes.ca,
      EXCHANGE_KEYS_DIR: volumes.exchange,
      TLS_HOSTNAMES: 'localhost,127.0.0.1',
      ...files,
    }),
  );
  expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
  expect(fs.readdirSync(volumes.public).sort()).toEqual(['ca.crt', 'internal-token.pub']);
  expect(fs.readdirSync(volumes.internalToken)).toContain('internal-token.key');
  expect(fs.readdirSync(volumes.ca)).toContain('ca.key');

  const port = await freePort();
  const noCaDir = path.join(root, 'no-ca-here');
  gateway = spawnEntry(
    'gateway/main.ts',
    minimalEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `renkei-deploy-${port}`,
      IDENTITY_URL: 'http://127.0.0.1:1/graphql',
      ROOMS_URL: 'http://127.0.0.1:1/graphql',
      CONSENT_URL: 'http://127.0.0.1:1/graphql',
      CLIENT_CERT_MODE: 'tls',
      // Where the CA would be opened from: it must stay untouched.
      CA_DIR: noCaDir,
      CA_CERT_FILE: files.CA_CERT_FILE,
      INTERNAL_TOKEN_KEY_FILE: files.INTERNAL_TOKEN_KEY_FILE,
      TLS_CERT_FILE: files.TLS_CERT_FILE,
      TLS_KEY_FILE: files.TLS_KEY_FILE,
      LOG_LEVEL: 'info',
    }),
  );
  await gateway.waitForStdout(/gateway ready/, 30_000);

  const served = await httpsGet(port, '/healthz');
  expect({ status: served.status, fingerprint: served.fingerprint }).toEqual({
    status: 200,
    fingerprint: new X509Certificate(fs.readFileSync(files.TLS_CERT_FILE)).fingerprint256,
  });
  expect(fs.existsSync(noCaDir)).toBe(false);
});

it('the worker serves the exchange from the copy of CA_DIR without the CA key', async () => {
  expect(fs.readdirSync(volumes.exchange)).not.toContain('ca.key');
  db = await createTestDatabase();
  const port = await freePort();
  worker = spawnEntry(
    'adapters/main.ts',
    minimalEnv({
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      CLIENT_CERT_MODE: 'tls',
      CA_DIR: volumes.exchange,
      CA_CERT_FILE: files.CA_CERT_FILE,
      TLS_CERT_FILE: files.TLS_CERT_FILE,
      TLS_KEY_FILE: files.TLS_KEY_FILE,
      FHIR_BASE_URL: `https://localhost:${port}/fhir`,
      AUDIT_CHECKPOINT_MINUTES: '0',
      DATA_DIR: volumes.audit,
    }),
  );
  await worker.waitForStdout(/worker ready/, 60_000);
  const ready = await httpsGet(port, '/readyz');
  expect({ status: ready.status, fingerprint: ready.fingerprint }).toEqual({
    status: 200,
    fingerprint: new X509Certificate(fs.readFileSync(files.TLS_CERT_FILE)).fingerprint256,
  });
  // The keys partners know us by are the full CA_DIR's: the copy is the same installation.
  const jwks = await httpsGet(port, '/fhir/.well-known/jwks.json');
  expect(JSON.parse(jwks.body)).toEqual({
    keys: [(await openExchangeKey(volumes.ca)).publicJwk, (await openAssertionKey(volumes.ca)).publicJwk],
  });
  expect(fs.readdirSync(volumes.exchange)).not.toContain('ca.key');
  worker.child.kill('SIGTERM');
  expect((await worker.waitForExit(20_000)).code).toBe(0);
  worker = undefined;
});
