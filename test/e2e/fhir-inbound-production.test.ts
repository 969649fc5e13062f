// Production mode (docker-compose), where the gateway has no database: the
// worker process (adapters/main.ts) answers /healthz and /readyz on its PORT
// and, with FHIR_BASE_URL set, also serves the partner exchange endpoint
// there, signing as the installation key in CA_DIR. Without FHIR_BASE_URL
// there is no /fhir (the endpoint is opt-in).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAssertionKey, openExchangeKey } from '../../lib/exchange/exchange-key';
import { redisUrl, uniqueName } from '../support/environment';
import { freePort, minimalEnv, spawnEntry, type ServiceProcess } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { clearRedisPrefixes } from '../support/redis-keys';

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
    await clearRedisPrefixes(prefix);
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
        // The audit checkpoints' key and files (scheduled every 5 minutes) stay in the test's own directory.
        DATA_DIR: caDir,
        FHIR_BASE_URL: `${base}/`,
      }),
    );
    await worker.waitForStdout(/worker ready/, 60_000);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok', service: 'worker' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok', queues: 'ok' } });

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

  it('without FHIR_BASE_URL answers health and readiness over HTTP, and has no /fhir', async () => {
    const port = await freePort();
    worker = spawnEntry(
      'adapters/main.ts',
      minimalEnv({
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        // TLS is for the exchange: with no exchange served, the health port stays plain HTTP for probes.
        CLIENT_CERT_MODE: 'tls',
        CA_DIR: caDir,
        // The audit checkpoints' key and files (scheduled every 5 minutes) stay in the test's own directory.
        DATA_DIR: caDir,
      }),
    );
    await worker.waitForStdout(/worker ready/, 60_000);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok', queues: 'ok' } });
    const fhir = await fetch(`http://127.0.0.1:${port}/fhir/metadata`);
    expect(fhir.status).toBe(404);
    expect(await fhir.json()).toEqual({
      errors: [{ message: 'There is no such resource. Check the URL.', extensions: { code: 'NOT_FOUND' } }],
    });
    worker.child.kill('SIGTERM');
    expect((await worker.waitForExit(20_000)).code).toBe(0);
    worker = undefined;
  });
});
