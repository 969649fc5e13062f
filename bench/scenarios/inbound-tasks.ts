// The exchange pipeline's half of scenario 3: a partner, registered through
// the graph by a seeded system admin with a key the bench holds, POSTs
// contract join Tasks (each with its own identifier and a fresh JWT, since a
// jti is single-use) to /fhir/Task from `connections` concurrent senders, as
// the raw side's producers add jobs. A Task counts when its join request is
// stored in rooms (Task stored → integration outbox → relay → BullMQ →
// inbound-join-received → rooms' service). Throughput runs from the first
// POST to the last join request's own timestamp.
//
// Then, for issue 16's latency target, an offered load: Tasks POSTed at a
// fixed rate (50 a second by default) whatever the answers, for the round
// time × rounds, each timed from the moment it was sent to its join
// request's received_at (the same machine's clock on both sides).
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { Client } from 'pg';
import { Pool } from 'undici';
import { buildJoinTask } from '../../adapters/fhir/join-task';
import { connectRedis } from '../../lib/redis';
import { gatewayCall, signIn } from '../callers';
import { percentile } from '../load';
import { cpuPerUnit, cpuSnapshot } from '../process-cpu';
import type { ScenarioContext } from './types';

interface Partner {
  id: string;
  privateKey: KeyLike;
  shareCode: string;
}

export interface PipelineResult {
  tasks: number;
  tasksPerSecond: number;
  /** The HTTP stage alone: Tasks answered 201 per second while the senders ran. */
  post: {
    perSecond: number;
    p50: number;
    p95: number;
    failures: number;
    /** The bench's own CPU per Task while sending (HTTP client, JSON): machine time the system did not get. */
    senderCpuMs: number;
  };
  /**
   * CPU milliseconds per Task over the run (POSTs and drain), by part: the system's processes, all of
   * PostgreSQL's and Redis's, and the bench's sender; `machine` is their sum.
   */
  cpuPerTask: ReturnType<typeof cpuPerUnit>;
  /** Task stored (inbound_task.received_at) to join request stored (its received_at). */
  storedToJoinRequest: { p50: number; p95: number };
  /** The inbound-join-received jobs' enqueue to start (BullMQ timestamp → processedOn), over the jobs BullMQ keeps. */
  enqueueToStart: { p50: number; p95: number; jobs: number };
  seconds: number;
  /** The SQL statements one Task costs end to end, the relay's idle polling included (texts shortened). */
  statementsPerTask: { count: number; texts: string[] };
  /** Tasks sent at a fixed rate, each timed from its POST to its join request stored (ms). */
  offered: {
    perSecond: number;
    tasks: number;
    /** The rate the sends kept up (below perSecond if the bench itself fell behind). */
    sentPerSecond: number;
    failures: number;
    postToJoinRequest: { p50: number; p95: number };
    post: { p50: number; p95: number };
  };
}

/** Issue 16's offered load for the exchange's latency target. */
export const offeredTasksPerSecond = 50;

async function registerPartner(ctx: ScenarioContext): Promise<Partner> {
  const token = await signIn(ctx.system.gatewayUrl, ctx.seeded.adminUser);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const input = {
    name: 'ベンチ連携ネット',
    fhirBaseUrl: 'https://bench-partner.example/fhir',
    requesterSystem: 'https://bench-partner.example/requests',
    userSystem: 'https://bench-partner.example/users',
    jwks: JSON.stringify({ keys: [await exportJWK(publicKey)] }),
  };
  const partnerId = (
    await gatewayCall(
      ctx.system.gatewayUrl,
      token,
      'mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { id } }',
      { input },
    )
  ).registerPartner.id as string;
  const roomId = ctx.seeded.busyRoomIds[ctx.seeded.busyRoomIds.length - 1]!;
  // Rooms learns of a new partner from identity's outbox within a second (NOT_FOUND until then).
  const issue = () =>
    gatewayCall(
      ctx.system.gatewayUrl,
      token,
      'mutation($r: ID!, $p: ID!) { issueRoomShareCode(roomId: $r, partnerId: $p, expiresInDays: 1) { code } }',
      { r: roomId, p: partnerId },
    );
  for (let attempt = 1; ; attempt += 1) {
    try {
      const issued = await issue();
      return { id: partnerId, privateKey, shareCode: issued.issueRoomShareCode.code as string };
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Bodies and single-use JWTs, made before the clock starts so signing is not measured. */
async function prepare(partner: Partner, fhirBaseUrl: string, count: number) {
  const now = Math.floor(Date.now() / 1000);
  const identifiers = Array.from({ length: count }, () => randomUUID());
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      identifier: identifiers[i]!,
      body: JSON.stringify(
        buildJoinTask({
          identifier: { system: 'https://bench-partner.example/requests', value: identifiers[i]! },
          shareCode: partner.shareCode,
          authoredOn: '2026-11-25T09:00:00+09:00',
          requester: { system: 'https://bench-partner.example/users', value: 'admin-1', display: 'ベンチ 管理者' },
          practitioner: {
            system: 'https://bench-partner.example/users',
            value: `nurse-${randomUUID().slice(0, 8)}`,
            display: 'ベンチ 看護師',
          },
          organization: { display: 'ベンチ訪問看護ステーション' },
          reason: '退院後の訪問看護で関わるため',
        }),
      ),
      jwt: await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer(partner.id)
        .setSubject(partner.id)
        .setAudience(fhirBaseUrl)
        .setIssuedAt(now)
        .setExpirationTime(now + 280)
        .setJti(randomUUID())
        .sign(partner.privateKey),
    })),
  );
}

async function joinRequests(pg: Client, partnerId: string): Promise<{ count: number; last: number }> {
  const { rows } = await pg.query<{ count: string; last: Date | null }>(
    'SELECT count(*) AS count, max(received_at) AS last FROM rooms.inbound_join_request WHERE partner_id = $1',
    [partnerId],
  );
  return { count: Number(rows[0]?.count ?? 0), last: rows[0]?.last?.getTime() ?? 0 };
}

/** Closed loop (`connections` senders, each sending its next Task when answered), or open loop at `ratePerSecond`. */
async function send(
  ctx: ScenarioContext,
  partner: Partner,
  pg: Client,
  count: number,
  connections: number,
  ratePerSecond?: number,
) {
  const fhirBaseUrl = ctx.system.fhirBaseUrl;
  const prepared = await prepare(partner, fhirBaseUrl, count);
  const before = (await joinRequests(pg, partner.id)).count;
  const postMs: number[] = [];
  const sentAt = new Map<string, number>();
  let failures = 0;
  let next = 0;
  // undici's request() on a keep-alive pool rather than fetch: the sender shares the machine's two
  // cores with the system it measures, and fetch costs it about three times the CPU per request.
  const origin = new URL(fhirBaseUrl);
  const pool = new Pool(origin.origin, { connections: Math.max(1, connections || 50) });
  const post = async ({ identifier, body, jwt }: (typeof prepared)[number]) => {
    sentAt.set(identifier, Date.now());
    const t0 = performance.now();
    const response = await pool.request({
      method: 'POST',
      path: `${origin.pathname.replace(/\/$/, '')}/Task`,
      headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${jwt}` },
      body,
    });
    await response.body.arrayBuffer();
    postMs.push(performance.now() - t0);
    if (response.statusCode !== 201) failures += 1;
  };
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  if (ratePerSecond) {
    const inFlight: Array<Promise<void>> = [];
    for (const [i, task] of prepared.entries()) {
      const due = started + (i * 1000) / ratePerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      inFlight.push(post(task));
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < prepared.length) await post(prepared[next++]!);
      }),
    );
  }
  const sent = Date.now();
  const cpu = process.cpuUsage(cpuBefore);
  const senderCpuMsPerTask = (cpu.user + cpu.system) / 1000 / count;
  await pool.close();
  const expected = before + count - failures;
  const deadline = Date.now() + 180_000;
  let done = await joinRequests(pg, partner.id);
  while (done.count < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    done = await joinRequests(pg, partner.id);
  }
  if (done.count < expected)
    throw new Error(`only ${done.count - before} of ${count - failures} join requests were stored within 3 minutes`);
  return { started, sent, last: done.last, postMs, failures, sentAt, senderCpuMsPerTask };
}

export async function inboundTaskPipeline(ctx: ScenarioContext, count: number): Promise<PipelineResult> {
  const { connections } = ctx.config.load;
  const partner = await registerPartner(ctx);
  const pg = new Client({ connectionString: ctx.databaseUrl });
  await pg.connect();
  try {
    await send(ctx, partner, pg, Math.min(100, count), connections);
    const before = await ctx.system.statementMark();
    await send(ctx, partner, pg, 1, 1);
    const texts = await ctx.system.statementTexts(before);
    const statementsPerTask = { count: texts.length, texts: texts.map((t) => t.replace(/\s+/g, ' ').slice(0, 160)) };
    const startedAt = new Date();
    const cpuBefore = cpuSnapshot(ctx.system.pids);
    const run = await send(ctx, partner, pg, count, connections);
    const cpuAfter = cpuSnapshot(ctx.system.pids);
    // The bench's own share is the sender's (send() also signs the Tasks' JWTs before its clock starts).
    const perTask = cpuPerUnit(cpuBefore, cpuAfter, count - run.failures);
    const cpuPerTask = {
      ...perTask,
      bench: run.senderCpuMsPerTask,
      machine: perTask.machine - perTask.bench + run.senderCpuMsPerTask,
    };
    const { rows } = await pg.query<{ ms: number }>(
      `SELECT extract(epoch FROM (j.received_at - t.received_at)) * 1000 AS ms
       FROM integration.inbound_task t JOIN rooms.inbound_join_request j ON j.correlation_id = t.id::text
       WHERE t.partner_id = $1 AND t.received_at >= $2`,
      [partner.id, startedAt],
    );
    const stored = rows.map((r) => Number(r.ms));
    const enqueueToStart = await jobStartLatencies(ctx, startedAt.getTime());
    const seconds = (run.last - run.started) / 1000;
    const offered = await offeredLoad(ctx, partner, pg);
    return {
      tasks: count,
      tasksPerSecond: (count - run.failures) / seconds,
      post: {
        perSecond: (count - run.failures) / ((run.sent - run.started) / 1000),
        p50: percentile(run.postMs, 50),
        p95: percentile(run.postMs, 95),
        failures: run.failures,
        senderCpuMs: run.senderCpuMsPerTask,
      },
      cpuPerTask,
      storedToJoinRequest: { p50: percentile(stored, 50), p95: percentile(stored, 95) },
      enqueueToStart,
      seconds,
      statementsPerTask,
      offered,
    };
  } finally {
    await pg.end();
  }
}

/** Issue 16: the POSTed Task to its stored join request, p95, at a fixed offered rate. */
async function offeredLoad(ctx: ScenarioContext, partner: Partner, pg: Client): Promise<PipelineResult['offered']> {
  const { durationSeconds, rounds } = ctx.config.load;
  const perSecond = offeredTasksPerSecond;
  // The JWTs are signed before the clock starts and live 280 s: at most two minutes of Tasks.
  const seconds = Math.min(120, durationSeconds * rounds);
  const count = Math.max(10, Math.round(perSecond * seconds));
  const run = await send(ctx, partner, pg, count, 0, perSecond);
  const { rows } = await pg.query<{ identifier: string; at: string }>(
    `SELECT t.identifier_value AS identifier, extract(epoch FROM j.received_at) * 1000 AS at
     FROM integration.inbound_task t JOIN rooms.inbound_join_request j ON j.correlation_id = t.id::text
     WHERE t.partner_id = $1 AND t.identifier_value = ANY($2)`,
    [partner.id, [...run.sentAt.keys()]],
  );
  const latencies = rows.map((r) => Number(r.at) - run.sentAt.get(r.identifier)!);
  return {
    perSecond,
    tasks: count,
    sentPerSecond: (count - 1) / Math.max(0.001, (Math.max(...run.sentAt.values()) - run.started) / 1000),
    failures: run.failures,
    postToJoinRequest: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    post: { p50: percentile(run.postMs, 50), p95: percentile(run.postMs, 95) },
  };
}

/** BullMQ keeps the last 1000 completed jobs of a queue (adapters/workers.ts); their timestamps give enqueue-to-start. */
async function jobStartLatencies(ctx: ScenarioContext, since: number) {
  const connection = connectRedis(ctx.redisUrl);
  await connection.connect();
  const queue = new Queue('inbound-join-received', { connection, prefix: ctx.queuePrefix });
  queue.on('error', () => undefined);
  try {
    const jobs = await queue.getJobs(['completed'], 0, -1);
    const latencies = jobs
      .filter((j) => j.timestamp >= since && j.processedOn)
      .map((j) => j.processedOn! - j.timestamp);
    return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), jobs: latencies.length };
  } finally {
    await queue.close();
    await connection.quit();
  }
}
