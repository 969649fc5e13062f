// Operator-facing startup failures, through real processes: exit code 1 and
// one "Renkei cannot start:" message listing every problem, with no stack
// trace. Each process gets a minimal environment built here, so nothing the
// test runner has set (DATABASE_URL, REDIS_URL, NODE_ENV) leaks in.
import { adminDatabaseUrl, redisUrl } from '../support/environment';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureInternalKeyFiles } from '../../lib/access/key-files';
import { connectRedis } from '../../lib/redis';
import { minimalEnv as bareEnv, occupyPort, runToExit, stackFrame, type ExitResult } from '../support/spawn-service';

// Valid secrets, so each case fails only for the problem it is about.
const secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-config-errors-'));
let keyFiles: { privateKeyFile: string; publicKeyFile: string };
beforeAll(async () => {
  keyFiles = await ensureInternalKeyFiles(path.join(secretsDir, 'keys'));
});
afterAll(() => fs.rmSync(secretsDir, { recursive: true, force: true }));

function minimalEnv(extra: Record<string, string> = {}) {
  return bareEnv({
    INTERNAL_TOKEN_KEY_FILE: keyFiles.privateKeyFile,
    INTERNAL_TOKEN_PUBLIC_KEY_FILE: keyFiles.publicKeyFile,
    CA_DIR: path.join(secretsDir, 'ca'),
    ...extra,
  });
}

const subgraphUrls = {
  IDENTITY_URL: 'http://127.0.0.1:1/graphql',
  ROOMS_URL: 'http://127.0.0.1:1/graphql',
  CONSENT_URL: 'http://127.0.0.1:1/graphql',
};

/** The common contract, then the message's problem lines for the case's own checks. */
function expectStartupFailure(result: ExitResult): string[] {
  const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect({ code: result.code, context }).toEqual({ code: 1, context });
  expect(result.stderr).toMatch(/^Renkei cannot start:\n/);
  expect(result.stderr).not.toMatch(stackFrame);
  expect(result.stderr.match(/Renkei cannot start:/g)).toHaveLength(1);
  return result.stderr
    .split('\n')
    .filter((line) => line.startsWith('  - '))
    .map((line) => line.slice(4));
}

describe('startup errors are one readable message and exit code 1', () => {
  it('rejects a malformed DATABASE_URL in a subgraph', async () => {
    const result = await runToExit('subgraphs/rooms/main.ts', minimalEnv({ DATABASE_URL: 'not-a-url', PORT: '0' }));
    const problems = expectStartupFailure(result);
    expect(problems).toContainEqual(expect.stringMatching(/^DATABASE_URL: .*postgresql:\/\//));
    expect(problems.filter((p) => !p.startsWith('DATABASE_URL: '))).toEqual([]);
  });

  it('requires REDIS_URL of identity alone among the subgraphs (it moves the principal epoch on)', async () => {
    const result = await runToExit('subgraphs/identity/main.ts', minimalEnv({ DATABASE_URL: 'not-a-url', PORT: '0' }));
    const problems = expectStartupFailure(result);
    expect(problems).toContainEqual(expect.stringMatching(/^DATABASE_URL: .*postgresql:\/\//));
    expect(problems).toContainEqual('REDIS_URL: is required for this service');
  });

  it('reports an unreachable Redis for the gateway', async () => {
    const result = await runToExit(
      'gateway/main.ts',
      minimalEnv({ ...subgraphUrls, REDIS_URL: 'redis://127.0.0.1:1', PORT: '0' }),
    );
    const problems = expectStartupFailure(result);
    expect(problems).toEqual([expect.stringMatching(/^REDIS_URL: .*127\.0\.0\.1:1.* not reachable/)]);
  });

  it('reports a port in use for a subgraph', async () => {
    const held = await occupyPort('127.0.0.1');
    try {
      const result = await runToExit(
        'subgraphs/rooms/main.ts',
        minimalEnv({ DATABASE_URL: adminDatabaseUrl, HOST: '127.0.0.1', PORT: String(held.port) }),
      );
      const problems = expectStartupFailure(result);
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^PORT: .*127\\.0\\.0\\.1:${held.port}.*already in use`)),
      ]);
    } finally {
      await held.close();
    }
  });

  it('lists every configuration problem of the worker at once', async () => {
    const result = await runToExit('adapters/main.ts', minimalEnv({ PORT: 'abc', QUEUE_PREFIX: 'Not_Valid!' }));
    const problems = expectStartupFailure(result);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^QUEUE_PREFIX: /),
        expect.stringMatching(/^DATABASE_URL: .*required/),
        expect.stringMatching(/^REDIS_URL: .*required/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('lists every runtime problem of the gateway at once (Redis down and port in use)', async () => {
    const held = await occupyPort('127.0.0.1');
    try {
      const result = await runToExit(
        'gateway/main.ts',
        minimalEnv({ ...subgraphUrls, REDIS_URL: 'redis://127.0.0.1:1', HOST: '127.0.0.1', PORT: String(held.port) }),
      );
      const problems = expectStartupFailure(result);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^REDIS_URL: .*not reachable/),
          expect.stringMatching(/^PORT: .*already in use/),
        ]),
      );
      expect(problems).toHaveLength(2);
    } finally {
      await held.close();
    }
  });

  it('reports a port in use for the worker before any queue worker has started', async () => {
    const held = await occupyPort('127.0.0.1');
    const prefix = `renkei-port-${held.port}`;
    const redis = connectRedis(redisUrl);
    await redis.connect();
    try {
      const result = await runToExit(
        'adapters/main.ts',
        minimalEnv({
          DATABASE_URL: adminDatabaseUrl,
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          HOST: '127.0.0.1',
          PORT: String(held.port),
        }),
      );
      expect(expectStartupFailure(result)).toEqual([
        expect.stringMatching(new RegExp(`^PORT: .*127\\.0\\.0\\.1:${held.port}.*already in use`)),
      ]);
      // Nothing was started: no queue of that prefix exists in Redis.
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      await held.close();
      await redis.quit();
    }
  });

  it('reports an unreachable PostgreSQL for the worker', async () => {
    const result = await runToExit(
      'adapters/main.ts',
      minimalEnv({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/x', REDIS_URL: redisUrl, PORT: '0' }),
    );
    const problems = expectStartupFailure(result);
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: .*127\.0\.0\.1:1.* not reachable/)]);
  });

  it('says a database that does not exist does not exist, and how to create it', async () => {
    const url = new URL(adminDatabaseUrl);
    url.pathname = '/renkei_no_such_database';
    const result = await runToExit(
      'adapters/main.ts',
      minimalEnv({ DATABASE_URL: url.toString(), REDIS_URL: redisUrl, PORT: '0' }),
    );
    const problems = expectStartupFailure(result);
    expect(problems).toEqual([
      expect.stringMatching(
        /^DATABASE_URL: the database "renkei_no_such_database" does not exist .*createdb renkei_no_such_database/,
      ),
    ]);
  });
});
