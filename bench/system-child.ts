// The system under test, in its own process: startSystem (as npm start runs
// it: gateway, three subgraphs on loopback ports, workers) over the bench's
// database and Redis. A separate process keeps autocannon's own work off the
// server's event loop and lets the parent read this process's RSS from
// /proc. The parent drives it over IPC (bench/system-handle.ts):
// - start: the database, Redis, queue prefix and the internal key pair (the
//   parent keeps the private key to call subgraphs directly, as the gateway does);
// - statements: how many SQL statements this process has sent so far;
// - noop-worker: a raw BullMQ worker with a no-op processor on the same
//   Redis, reporting enqueue-to-start latencies once it has seen `jobs` jobs;
// - care-check: one need-to-know check (a fresh request-scoped careLoader,
//   one batch query) per schema, on the system's own Prisma client and pool,
//   timed here so the IPC round trip is not counted.
// For the production topology (bench/production-system.ts) the same child is
// forked and never sent start: it only hosts scenario 3's raw BullMQ worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import { Client, Pool } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { prismaErrorFormat } from '../lib/database';
import { careLoader, type CareSchema } from '../lib/access/care-relationship-view';
import { internalTokenSigner, type InternalKeyPair } from '../lib/access/internal-token';
import type { UserPrincipal } from '../lib/access/principal';
import { createLogger } from '../lib/logger';
import { openCertificateAuthority } from '../lib/pki/certificate-authority';
import { connectRedis } from '../lib/redis';
import { readSupergraph } from '../gateway/supergraph-file';
import { builtConsoleDir } from '../gateway/console';
import { defaultIdentitySettings } from '../subgraphs/identity/settings';
import { startSystem } from '../start/system';
import { createGatewayServer } from '../gateway/server';
import { createPrincipalResolver } from '../gateway/principal-resolver';
import { listen } from '../lib/http-server';
import { resolvePrincipalPath } from '../subgraphs/identity/internal-routes';

export type ParentMessage =
  | { type: 'start'; databaseUrl: string; redisUrl: string; queuePrefix: string; keys: InternalKeyPair }
  | { type: 'statements'; since?: number }
  | { type: 'noop-worker'; redisUrl: string; queue: string; prefix: string; concurrency: number; jobs: number }
  | { type: 'care-check'; principal: UserPrincipal; subjectId: string; schemas: CareSchema[] }
  | { type: 'stop' };

export type ChildMessage =
  | {
      type: 'ready';
      gatewayUrl: string;
      /** A second gateway over the same subgraphs that asks identity on every request (PRINCIPAL_CACHE_MS=0). */
      uncachedGatewayUrl: string;
      subgraphUrls: Record<'identity' | 'rooms' | 'consent', string>;
    }
  | { type: 'statements'; count: number; texts?: string[] }
  | { type: 'noop-worker-ready' }
  | { type: 'noop-done'; latenciesMs: number[]; firstStart: number; lastEnd: number }
  | { type: 'care-check'; results: Array<{ schema: CareSchema; ms: number; allowed: boolean }> }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

// Every statement any pool client sends (BEGIN/COMMIT included), as in test/e2e/rooms-query-count.test.ts.
// The last texts are kept too (a ring of 500), so the parent can see what one request sent.
let statements = 0;
const recent: string[] = [];
class CountingClient extends Client {}
const originalQuery = Client.prototype.query;
CountingClient.prototype.query = function countingQuery(this: Client, ...args: unknown[]) {
  statements += 1;
  const first = args[0] as string | { text?: string };
  recent[statements % 500] = typeof first === 'string' ? first : (first.text ?? '?');
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof originalQuery;

const send = (message: ChildMessage) => process.send?.(message);
let stop: (() => Promise<void>) | undefined;
let systemPrisma: PrismaClient | undefined;

async function start(message: Extract<ParentMessage, { type: 'start' }>) {
  const logger = createLogger('error', 'renkei-bench');
  // The same pool size as connectPostgres' default (npm start with DATABASE_URL).
  const pool = new Pool({ connectionString: message.databaseUrl, max: 10, Client: CountingClient });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: prismaErrorFormat });
  systemPrisma = prisma;
  const db = {
    prisma,
    location: 'bench database',
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
  };
  const redis = connectRedis(message.redisUrl);
  redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
  await redis.connect();
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-bench-ca-'));
  const ca = await openCertificateAuthority(caDir);
  const system = await startSystem({
    db,
    redis,
    host: '127.0.0.1',
    port: 0,
    queuePrefix: message.queuePrefix,
    supergraphSdl: readSupergraph(),
    subgraphTimeoutMs: 10_000,
    logger,
    ca,
    identitySettings: { ...defaultIdentitySettings, clientCertificateRequired: false },
    keys: message.keys,
    certificates: { mode: 'off', tlsHostnames: [], trustedProxies: [], header: 'x-client-certificate' },
    workers: true,
    // The web console, for scenario 5 (built by npm run bench's generate).
    consoleDir: fs.existsSync(path.join(builtConsoleDir, 'index.html')) ? builtConsoleDir : undefined,
  });
  // The same gateway without the principal cache, beside the cached one in the same process: scenario 1
  // measures both in one run (what the cache changes, issue 16).
  const sign = await internalTokenSigner(message.keys.privateKeyPem);
  const uncached = await createGatewayServer({
    supergraphSdl: readSupergraph(),
    subgraphUrls: {
      identity: `${system.subgraphs.identity.url}/graphql`,
      rooms: `${system.subgraphs.rooms.url}/graphql`,
      consent: `${system.subgraphs.consent.url}/graphql`,
    },
    subgraphTimeoutMs: 10_000,
    pingRedis: () => redis.ping(),
    resolvePrincipal: createPrincipalResolver({
      mode: 'off',
      certificates: null,
      identityResolveUrl: `${system.subgraphs.identity.url}${resolvePrincipalPath}`,
      sign,
      timeoutMs: 10_000,
    }),
    sign,
    logger,
  });
  const uncachedHttp = await listen(uncached.app, '127.0.0.1', 0, 'the uncached gateway');
  stop = async () => {
    await uncachedHttp.close();
    await uncached.stop();
    await system.stop();
    await redis.quit();
    await prisma.$disconnect();
    await pool.end().catch(() => undefined);
    fs.rmSync(caDir, { recursive: true, force: true });
  };
  send({
    type: 'ready',
    gatewayUrl: `${system.gateway.url}/graphql`,
    uncachedGatewayUrl: `${uncachedHttp.url}/graphql`,
    subgraphUrls: {
      identity: system.subgraphs.identity.url,
      rooms: system.subgraphs.rooms.url,
      consent: system.subgraphs.consent.url,
    },
  });
}

async function noopWorker(message: Extract<ParentMessage, { type: 'noop-worker' }>) {
  const connection = connectRedis(message.redisUrl);
  const latenciesMs: number[] = [];
  let firstStart = 0;
  let lastEnd = 0;
  const worker = new Worker(
    message.queue,
    async (job) => {
      const now = Date.now();
      if (!firstStart) firstStart = now;
      latenciesMs.push(now - job.timestamp);
    },
    { connection, prefix: message.prefix, concurrency: message.concurrency },
  );
  worker.on('error', () => undefined);
  worker.on('completed', async () => {
    if (latenciesMs.length < message.jobs || lastEnd) return;
    lastEnd = Date.now();
    await worker.close();
    await connection.quit();
    send({ type: 'noop-done', latenciesMs, firstStart, lastEnd });
  });
  await worker.waitUntilReady();
  send({ type: 'noop-worker-ready' });
}

/** As a subgraph's request does it: a new loader, one load, one batch query. */
async function careCheck(message: Extract<ParentMessage, { type: 'care-check' }>) {
  if (!systemPrisma) throw new Error('care-check before start');
  const results: Array<{ schema: CareSchema; ms: number; allowed: boolean }> = [];
  for (const schema of message.schemas) {
    const t0 = performance.now();
    const allowed = await careLoader(systemPrisma, schema, message.principal, () => new Date()).load(message.subjectId);
    results.push({ schema, ms: performance.now() - t0, allowed });
  }
  send({ type: 'care-check', results });
}

// The bench gone (killed, crashed): stop as on 'stop', so no system outlives it.
process.once('disconnect', () => {
  void (stop?.() ?? Promise.resolve()).finally(() => process.exit(0));
});

process.on('message', (message: ParentMessage) => {
  const run = async () => {
    if (message.type === 'start') await start(message);
    else if (message.type === 'statements') {
      const since = message.since;
      const texts =
        since === undefined
          ? undefined
          : Array.from({ length: Math.min(500, statements - since) }, (_, i) => recent[(since + 1 + i) % 500]!);
      send({ type: 'statements', count: statements, texts });
    } else if (message.type === 'noop-worker') await noopWorker(message);
    else if (message.type === 'care-check') await careCheck(message);
    else if (message.type === 'stop') {
      await stop?.();
      send({ type: 'stopped' });
      // Exit explicitly (a lingering handle must not keep it alive); --cpu-prof writes its profile on exit.
      setTimeout(() => process.exit(0), 100);
    }
  };
  run().catch((error: unknown) =>
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
});
