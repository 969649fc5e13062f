// No committed outbound request is lost when Redis goes away: the approval
// and its outbox event commit in PostgreSQL whatever Redis does; the relay
// keeps the event pending while Redis is unreachable and hands it over once
// Redis is back, and the request then reaches the partner once. Runs the
// workers in process against a private redis-server on a port of its own,
// which the test stops and starts (as lib/embedded-redis.ts does for npm start).
// Without the workers' replacement after a Redis restart (adapters/workers.ts)
// this failed about one run in four: the job waited in Redis, never fetched.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jobDefinitions } from '../../adapters/jobs';
import { defaultPartnerCallTimings } from '../../adapters/partner/partner-calls';
import { startWorkers, type RunningWorkers } from '../../adapters/workers';
import { freePort } from '../../lib/embedded-redis';
import { connectRedis, type Redis } from '../../lib/redis';
import { actorWithRole, type Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import {
  approvedRequest,
  ourClientId,
  partnerCertificateAuthority,
  registerPartner,
} from '../support/mock-partner-fixtures';
import { captureLogger } from '../support/capture-logger';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { partnerTransport } from '../../subgraphs/identity/partners/partner-service';

async function startRedisServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--loglevel',
      'warning',
    ],
    { stdio: 'ignore' },
  );
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    (up) => up,
  );
  return child;
}

function stopRedisServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('outbound join: Redis restarts', () => {
  let t: TestSystem;
  let partner: MockPartner;
  let partnerId: string;
  let removeCa: () => void;
  let actors: { user: Actor; fm: Actor; sa: Actor };
  let redisServer: ChildProcess;
  let redis: Redis;
  let workers: RunningWorkers;
  const workerLog = captureLogger('warn');
  let port: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-redis-restart-'));

  beforeAll(async () => {
    const partnerCa = await partnerCertificateAuthority();
    removeCa = partnerCa.remove;
    t = await startTestSystem({ workers: false });
    partner = await startMockPartner({ tls: partnerCa.tls, ourJwk: t.system.exchange.key.publicJwk, ourClientId });
    const user = await actorWithRole(t, 'USER');
    actors = {
      user,
      fm: await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId }),
      sa: await actorWithRole(t, 'SYSTEM_ADMIN'),
    };
    partnerId = await registerPartner(t.db.prisma, partner.url, actors.sa.userId);
    port = await freePort();
    redisServer = await startRedisServer(port, dir);
    redis = connectRedis(`redis://127.0.0.1:${port}`);
    redis.on('error', () => undefined);
    await redis.connect();
    workers = await startWorkers({
      redis,
      prefix: 'renkei-outbound-restart',
      deps: {
        db: t.db.prisma,
        identity: { db: t.db.prisma, settings: t.settings, now: () => new Date() },
        rooms: t.db.prisma,
        consent: t.db.prisma,
        outbound: t.db.prisma,
        partnerCalls: {
          exchange: t.system.exchange,
          trustedCaPems: [partnerCa.ca.caCertificatePem],
          transport: (id) => partnerTransport({ db: t.db.prisma, partnerKeys: t.system.partnerKeys }, id),
          vault: t.system.partnerKeys,
          ...defaultPartnerCallTimings,
          timeoutMs: 2_000,
        },
        logger: workerLog.logger,
      },
      definitions: jobDefinitions.filter((d) => d.queue.startsWith('outbound-join')),
      outbox: t.db.prisma,
      exchangeRetry: { attempts: 4, baseDelayMs: 200, maxDelayMs: 600 },
    });
  });

  afterAll(async () => {
    await workers.close();
    redis.disconnect();
    await stopRedisServer(redisServer);
    await t.stop();
    await partner.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    removeCa();
  });

  it('keeps an approval made while Redis is down in the outbox, and delivers it once Redis is back', async () => {
    await stopRedisServer(redisServer);
    const linesBefore = workerLog.lines.length;
    const id = await approvedRequest(t.graphqlUrl, actors, partnerId, 'share-redis-restart-1');
    const event = await t.db.prisma.roomsOutboxEvent.findFirstOrThrow({
      where: { type: 'outbound-join.approved', payload: { equals: { requestId: id } } },
    });
    // The positive signal: the relay tried to hand this event to Redis and gave up (it stays pending).
    await workerLog.waitFor((line) => line.msg.startsWith('outbox relay: events stay pending'), linesBefore, 30_000);
    expect((await t.db.prisma.roomsOutboxEvent.findUniqueOrThrow({ where: { id: event.id } })).relayedAt).toBeNull();
    expect(partner.posts).toHaveLength(0);

    redisServer = await startRedisServer(port, dir);
    const sent = await eventually(
      () => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } }),
      (r) => r.exchangeStatus === 'RECEIVED',
      20_000,
    );
    expect(sent.exchangeStatus).toBe('RECEIVED');
    expect(partner.posts.filter((p) => p.identifierValue === id).map((p) => p.answered)).toEqual([201]);
    // The relay marks the event relayed after handing it to Redis, so the job may finish first.
    const relayed = await eventually(
      () => t.db.prisma.roomsOutboxEvent.findUniqueOrThrow({ where: { id: event.id } }),
      (e) => e.relayedAt !== null,
      10_000,
    );
    expect(relayed.relayedAt).not.toBeNull();
  }, 60_000);
});
