// Production mode (docker-compose), where the gateway has no database: with
// FHIR_BASE_URL set, the worker process (adapters/main.ts) also serves the
// partner exchange endpoint, signing as the installation key in CA_DIR.
// Without FHIR_BASE_URL it serves nothing (the endpoint is opt-in).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAssertionKey, openExchangeKey } from '../../lib/exchange/exchange-key';
import { connectRedis } from '../../lib/redis';
import { redisUrl, uniqueName } from '../support/environment';
import { freePort, minimalEnv, spawnEntry, type ServiceProcess } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('the partner exchange endpoint in production mode (worker process)', () => {
  let db: TestDatabase;
  let worker: ServiceProcess | undefined;
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-worker-ca-'));
  const prefix = uniqueName('renkei-fhir-prod').replace(/_/g, '-');

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    worker?.killGroup();
    await db?.drop();
    const redis = connectRedis(redisUrl);
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    fs.rmSync(caDir, { recursive: true, force: true });
  });

  it('serves /fhir at FHIR_BASE_URL with the CA_DIR key, refuses the unauthenticated, and stops on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/fhir`;
    worker = spawnEntry(
      'adapters/main.ts',
      minimalEnv({
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        CLIENT_CERT_MODE: 'off',
        CA_DIR: caDir,
        FHIR_BASE_URL: `${base}/`,
      }),
    );
    await worker.waitForStdout(/partner exchange endpoint ready/, 60_000);

    const metadata = await fetch(`${base}/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('cache-control')).toBe('no-store');
    expect(await metadata.json()).toMatchObject({ resourceType: 'CapabilityStatement', implementation: { url: base } });
    const jwks = await (await fetch(`${base}/.well-known/jwks.json`)).json();
    // Our Ed25519 key (contract JWTs) and our P-384 key (SMART client assertions), as created beside the CA.
    expect(jwks).toEqual({
      keys: [(await openExchangeKey(caDir)).publicJwk, (await openAssertionKey(caDir)).publicJwk],
    });
    const refused = await fetch(`${base}/Task`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');

    worker.child.kill('SIGTERM');
    const exit = await worker.waitForExit(20_000);
    expect(exit.code).toBe(0);
    worker = undefined;
  });
});
