// Issue 15 ("Done when"): a key rotation under load loses no request. The
// production topology runs as real processes (three subgraphs, the gateway,
// the worker); requests flow through the gateway without a pause while the
// internal-token key is rotated with `npm run keys:rotate` and SIGHUP (new
// key added to the subgraphs, the gateway switched, the old key retired),
// and not one fails. The exchange keys rotate the same way: the JWKS serves
// both keys in the window, and a JWT signed with the previous key still
// verifies on a partner's side until the previous key is retired.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { ensureInternalKeyFiles } from '../../lib/access/key-files';
import { rotatingKeyFiles } from '../../lib/access/key-rotation-files';
import { openExchangeKey, signPartnerJwt } from '../../lib/exchange/exchange-key';
import { connectRedis } from '../../lib/redis';
import { redisUrl, uniqueName } from '../support/environment';
import { freePort, minimalEnv, runToExit, spawnEntry, type ServiceProcess } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

jest.setTimeout(300_000);

describe('key rotation under load', () => {
  let db: TestDatabase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-key-rotation-'));
  const caDir = path.join(dir, 'ca');
  const prefix = uniqueName('renkei-rotation').replace(/_/g, '-');
  const running: ServiceProcess[] = [];
  let keys: { privateKeyFile: string; publicKeyFile: string };

  const common = () => ({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    CA_DIR: caDir,
    DATA_DIR: dir,
    CLIENT_CERT_MODE: 'off',
    LOG_LEVEL: 'info',
  });

  const start = async (entry: string, env: Record<string, string>, ready: RegExp) => {
    const service = spawnEntry(entry, minimalEnv({ ...common(), ...env }));
    running.push(service);
    await service.waitForStdout(ready, 90_000);
    return service;
  };

  /** Sends SIGHUP and waits for the process to log the reload it caused (the n-th since it started). */
  const reload = async (service: ServiceProcess) => {
    const before = service.stdout().match(/keys reloaded/g)?.length ?? 0;
    process.kill(service.pid, 'SIGHUP');
    const deadline = Date.now() + 20_000;
    while ((service.stdout().match(/keys reloaded/g)?.length ?? 0) <= before) {
      if (/keys not reloaded/.test(service.stdout()))
        throw new Error(`reload failed: ${service.stdout().slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no reload logged: ${service.stdout().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = service
      .stdout()
      .split('\n')
      .filter((line) => line.includes('keys reloaded'));
    return JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
  };

  const rotate = async (which: 'internal-token' | 'exchange', step: string) => {
    const result = await runToExit(
      'scripts/keys-rotate.ts',
      minimalEnv({
        CA_DIR: caDir,
        DATA_DIR: dir,
        INTERNAL_TOKEN_KEY_FILE: keys.privateKeyFile,
        INTERNAL_TOKEN_PUBLIC_KEY_FILE: keys.publicKeyFile,
      }),
      30_000,
      [which, step],
    );
    if (result.code !== 0) throw new Error(`keys:rotate ${which} ${step}: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    keys = await ensureInternalKeyFiles(path.join(dir, 'keys'));
  });

  afterAll(async () => {
    for (const service of running) service.killGroup();
    await db?.drop();
    const redis = connectRedis(redisUrl);
    await redis.connect();
    const stale = await redis.keys(`${prefix}:*`);
    if (stale.length) await redis.del(...stale);
    await redis.quit();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rotates the internal-token key while requests flow through the gateway, and none fails', async () => {
    const ports = { identity: await freePort(), rooms: await freePort(), consent: await freePort() };
    const subgraphs: ServiceProcess[] = [];
    for (const name of ['identity', 'rooms', 'consent'] as const)
      subgraphs.push(
        await start(
          `subgraphs/${name}/main.ts`,
          { PORT: String(ports[name]), INTERNAL_TOKEN_PUBLIC_KEY_FILE: keys.publicKeyFile },
          /subgraph ready/,
        ),
      );
    const gatewayPort = await freePort();
    const gateway = await start(
      'gateway/main.ts',
      {
        PORT: String(gatewayPort),
        INTERNAL_TOKEN_KEY_FILE: keys.privateKeyFile,
        IDENTITY_URL: `http://127.0.0.1:${ports.identity}/graphql`,
        ROOMS_URL: `http://127.0.0.1:${ports.rooms}/graphql`,
        CONSENT_URL: `http://127.0.0.1:${ports.consent}/graphql`,
        // Every request resolves its principal at identity, so every request carries a fresh token there too.
        PRINCIPAL_CACHE_MS: '0',
        RATE_LIMIT_SESSION_PER_MINUTE: '0',
        RATE_LIMIT_CERTIFICATE_PER_MINUTE: '0',
      },
      /gateway ready/,
    );

    // The load: a few clients, each sending its next request as soon as the last one is answered. An anonymous
    // `me` is answered by identity (null) only when both the principal resolution and the subgraph fetch accepted
    // the gateway's token; a refused token is an UNAUTHENTICATED error instead.
    const failures: string[] = [];
    let answered = 0;
    let stopping = false;
    const client = async () => {
      while (!stopping) {
        try {
          const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
            body: JSON.stringify({ query: '{ me { __typename } }' }),
          });
          const body = (await response.json()) as { data?: { me: unknown }; errors?: unknown[] };
          if (response.status !== 200 || body.errors || body.data?.me !== null)
            failures.push(`${response.status} ${JSON.stringify(body).slice(0, 300)}`);
        } catch (error) {
          failures.push(String(error));
        }
        answered += 1;
      }
    };
    const clients = Array.from({ length: 4 }, () => client());
    const answeredBy = async (count: number) => {
      const deadline = Date.now() + 60_000;
      while (answered < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await answeredBy(50);

    try {
      // 1. The next key goes to the verifiers first.
      expect(await rotate('internal-token', 'add')).toMatch(/Send SIGHUP to every subgraph/);
      for (const subgraph of subgraphs) expect((await reload(subgraph)).internalTokenKeys as string[]).toHaveLength(2);
      await answeredBy(answered + 50);

      // 2. The gateway switches to it; tokens it signed a moment ago with the old key are still accepted.
      const promoted = await rotate('internal-token', 'promote');
      const nextKid = /signs with (\S+);/.exec(promoted)?.[1];
      expect((await reload(gateway)).internalTokenKey).toBe(nextKid);
      await answeredBy(answered + 50);

      // 3. The old key is retired once no token it signed can be valid (the script refuses earlier).
      await expect(rotate('internal-token', 'retire')).rejects.toThrow(/may be valid/);
      // The window's end is not waited out (65 s of load, the longest minute of CI): the previous key's file is
      // backdated, as an operator's clock would have moved. That is stricter than the window: the gateway signs a
      // token per request, so no token of the previous key may outlive the requests in flight, and one cached
      // anywhere (for up to the 60 s a token lives) would fail the requests that follow the retirement.
      const past = new Date(Date.now() - 70_000);
      fs.utimesSync(rotatingKeyFiles(keys.privateKeyFile).previous, past, past);
      expect(await rotate('internal-token', 'retire')).toMatch(/rotation is complete/);
      for (const subgraph of subgraphs) expect((await reload(subgraph)).internalTokenKeys).toEqual([nextKid]);
      await answeredBy(answered + 100);
    } finally {
      stopping = true;
      await Promise.all(clients);
    }
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(300);
  });

  it('publishes both exchange keys in the window: a JWT signed with the previous key verifies until it is retired', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/fhir`;
    const worker = await start('adapters/main.ts', { PORT: String(port), FHIR_BASE_URL: base }, /worker ready/);
    const jwks = async () => ((await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys;
    const partnerVerifies = async (token: string) => {
      // A partner verifies against what our JWKS URL serves now (jose's local set picks the key by kid).
      await jwtVerify(token, createLocalJWKSet({ keys: await jwks() }), { audience: 'https://partner.example/fhir' });
    };
    const sign = async () =>
      signPartnerJwt(await openExchangeKey(caDir), {
        clientId: 'renkei-test',
        audience: 'https://partner.example/fhir',
      });

    const before = await jwks();
    expect(before).toHaveLength(2);
    const oldToken = await sign();

    await rotate('exchange', 'add');
    await reload(worker);
    const staged = await jwks();
    expect(staged).toHaveLength(4);
    expect(staged.slice(0, 2)).toEqual(before); // the current keys still sign; the next ones are only published

    await rotate('exchange', 'promote');
    const reloaded = await reload(worker);
    const window = await jwks();
    expect(window).toHaveLength(4);
    expect(window.map((key) => key.kid)).toEqual(expect.arrayContaining(before.map((key) => key.kid)));
    const newToken = await sign();
    expect(decodeProtectedHeader(newToken).kid).not.toBe(decodeProtectedHeader(oldToken).kid);
    expect((reloaded.exchangeKeys as { signing: string[] }).signing[0]).toBe(decodeProtectedHeader(newToken).kid);
    await partnerVerifies(oldToken);
    await partnerVerifies(newToken);

    // The window (a JWT's 2 minutes and a minute of skew) has passed: the previous keys leave the JWKS.
    await expect(rotate('exchange', 'retire')).rejects.toThrow(/may be valid/);
    const past = new Date(Date.now() - 200_000);
    for (const file of ['exchange-ed25519.previous.key', 'exchange-es384.previous.key'])
      fs.utimesSync(path.join(caDir, file), past, past);
    await rotate('exchange', 'retire');
    await reload(worker);
    const after = await jwks();
    expect(after).toHaveLength(2);
    expect(after.map((key) => key.kid)).not.toContain(before[0]?.kid);
    await partnerVerifies(newToken);
    await expect(partnerVerifies(oldToken)).rejects.toThrow();
  });
});
