// docker-compose's secret layout through the real entry points: init-secrets
// fills one directory per volume (the CA with the keys beside it, the
// gateway's signing key, the public files, the server certificate), and the
// gateway then starts with the CA's certificate alone and its server
// certificate from files: it answers HTTPS with that certificate, and never
// opens (or creates) a CA directory.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { redisUrl } from '../support/environment';
import { freePort, minimalEnv, runToExit, spawnEntry, type ServiceProcess } from '../support/spawn-service';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-deployment-secrets-'));
const volumes = {
  ca: path.join(root, 'ca'),
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

afterAll(() => {
  gateway?.killGroup();
  fs.rmSync(root, { recursive: true, force: true });
});

it('init-secrets prepares every volume, and the gateway serves with the CA certificate alone', async () => {
  const init = await runToExit(
    'scripts/init-secrets.ts',
    minimalEnv({ CA_DIR: volumes.ca, TLS_HOSTNAMES: 'localhost,127.0.0.1', ...files }),
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

  const served = await new Promise<{ status: number; fingerprint: string }>((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/healthz', ca: fs.readFileSync(files.CA_CERT_FILE), agent: false },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint }));
      },
    );
    req.on('error', reject);
  });
  expect(served).toEqual({
    status: 200,
    fingerprint: new X509Certificate(fs.readFileSync(files.TLS_CERT_FILE)).fingerprint256,
  });
  expect(fs.existsSync(noCaDir)).toBe(false);
});
