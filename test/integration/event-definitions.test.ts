// Events defined once (lib/events/define-event.ts), on the real PostgreSQL
// and Redis: a payload its definition refuses is never written (and takes
// the change's transaction with it), nor run when it reaches a job another
// way; the version and the request id travel beside the payload from the
// outbox row into the job and its log lines; an event newer than the
// worker's definition waits in the outbox; an event is marked processed once
// its job has finished for good, and after a restore the events relayed but
// not finished run again; a worker whose jobs need what it was not given
// refuses to start, naming the job.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventJob, scheduledJob } from '../../adapters/job-definition';
import { startWorkers, type RunningWorkers } from '../../adapters/workers';
import { defineEvent, InvalidEventPayload } from '../../lib/events/define-event';
import { connectRedis, type Redis } from '../../lib/redis';
import { relayUnfinishedAgain, type OutboxDelegate } from '../../lib/outbox-table';
import { currentRequestId, withRequestId } from '../../lib/request-id';
import { StartupError } from '../../lib/startup-error';
import { consentWithdrawnEvent } from '../../subgraphs/consent';
import { appendOutboxEvent, consentOutbox } from '../../subgraphs/consent/services/outbox';
import { defaultIdentitySettings } from '../../subgraphs/identity/settings';
import { captureLogger } from '../support/capture-logger';
import { redisUrl, uniqueName } from '../support/environment';
import { eventually } from '../support/eventually';
import { clearRedisPrefixes } from '../support/redis-keys';
import { silentLogger } from '../support/silent-logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const probeEvent = defineEvent({
  type: uniqueName('probe.happened').replace(/_/g, '-'),
  version: 1,
  payload: z.object({ thingId: z.string().uuid() }).strict(),
});

describe('events defined once', () => {
  let db: TestDatabase;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = connectRedis(redisUrl);
    await redis.connect();
  });
  afterAll(async () => {
    await redis.quit();
    await db.drop();
  });

  const baseDeps = () => ({
    db: db.prisma,
    identity: { db: db.prisma, settings: defaultIdentitySettings, now: () => new Date() },
  });

  it('refuses a bad payload at write, inside the transaction: nothing of the change is written', async () => {
    const subjectId = randomUUID();
    const before = await db.prisma.consentOutboxEvent.count();
    await expect(
      db.prisma.$transaction(async (tx) => {
        await appendOutboxEvent(tx, consentWithdrawnEvent, { subjectId, consentRecordId: randomUUID() });
        // What a careless caller might pass: a name where an id belongs (ids only in Redis).
        await appendOutboxEvent(tx, consentWithdrawnEvent, {
          subjectId,
          consentRecordId: '山田 太郎',
        });
      }),
    ).rejects.toThrow(InvalidEventPayload);
    expect(await db.prisma.consentOutboxEvent.count()).toBe(before);
  });

  it("stores the definition's version and the current request id beside the payload", async () => {
    const requestId = randomUUID();
    const payload = { subjectId: randomUUID(), consentRecordId: randomUUID() };
    const id = await withRequestId(requestId, () =>
      db.prisma.$transaction((tx) => appendOutboxEvent(tx, consentWithdrawnEvent, payload)),
    );
    const row = await db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ type: 'consent.withdrawn', version: 1, requestId, payload });
    // Outside a request (a script, a job without one): no request id.
    const alone = await db.prisma.$transaction((tx) => appendOutboxEvent(tx, consentWithdrawnEvent, payload));
    expect(await db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id: alone } })).toMatchObject({
      requestId: null,
    });
    await db.prisma.consentOutboxEvent.updateMany({
      where: { id: { in: [id, alone] } },
      data: { relayedAt: new Date() },
    });
  });

  describe('relayed to a job', () => {
    let workers: RunningWorkers;
    const { logger, lines } = captureLogger();
    const seen: Array<{ thingId: string; requestId: string | undefined }> = [];
    // A thing whose first attempt fails; what its event's processed mark was when the retry began.
    const failingOnce = new Set<string>();
    const markAtRetry = new Map<string, Date | null>();
    const probe = eventJob({
      queue: uniqueName('probe-job').replace(/_/g, '-'),
      events: [probeEvent],
      async process({ thingId }, job, deps) {
        if (failingOnce.has(thingId)) {
          if (job.attemptsMade === 0) throw new Error('FLAKY: the first attempt fails');
          const row = await db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id: job.id! } });
          markAtRetry.set(thingId, row.processedAt);
        }
        deps.logger.info({ thingId }, 'probe handled');
        seen.push({ thingId, requestId: currentRequestId() });
      },
    });

    const prefix = uniqueName('renkei-test').replace(/_/g, '-');
    beforeAll(async () => {
      workers = await startWorkers({
        redis,
        prefix,
        deps: { ...baseDeps(), logger },
        definitions: [probe],
        outboxSources: [consentOutbox(db.prisma)],
      });
    });
    afterAll(async () => {
      await workers.close();
      // The queue's jobs outlive the workers in Redis: removed, so that a run leaves nothing behind.
      await clearRedisPrefixes(prefix);
    });

    const write = (data: {
      payload: object;
      version?: number;
      requestId?: string | null;
      relayedAt?: Date;
      processedAt?: Date;
    }) =>
      db.prisma.consentOutboxEvent.create({
        data: { id: randomUUID(), type: probeEvent.type, version: 1, requestId: null, ...data },
      });

    it("runs the job with the parsed payload and logs under the event's request id, job id and queue", async () => {
      const requestId = randomUUID();
      const thingId = randomUUID();
      await withRequestId(requestId, () =>
        db.prisma.$transaction((tx) => appendOutboxEvent(tx, probeEvent, { thingId })),
      );
      await eventually(
        async () => seen.length,
        (n) => n > 0,
        10_000,
      );
      expect(seen).toEqual([{ thingId, requestId }]);
      const line = lines.find((l) => l.msg === 'probe handled');
      expect(line).toMatchObject({ requestId, queue: probe.queue, thingId });
      expect(typeof line?.jobId).toBe('string');
      const job = await workers.queues.get(probe.queue)!.getJob(line!.jobId as string);
      expect(job?.data).toEqual({ version: 1, requestId, outbox: 'consent', payload: { thingId } });
    });

    const processedMark = (id: string) =>
      eventually(
        () => db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id } }),
        (row) => row.processedAt !== null,
        10_000,
      );

    it('marks the event processed once its job has finished, and not while a retry is to come', async () => {
      const thingId = randomUUID();
      const done = await db.prisma.$transaction((tx) => appendOutboxEvent(tx, probeEvent, { thingId }));
      expect((await processedMark(done)).relayedAt).not.toBeNull();
      const flaky = randomUUID();
      failingOnce.add(flaky);
      const retried = await db.prisma.$transaction((tx) => appendOutboxEvent(tx, probeEvent, { thingId: flaky }));
      await processedMark(retried);
      // The first attempt failed and left no mark; the second ran and made it.
      expect(markAtRetry.get(flaky)).toBeNull();
      expect(seen.filter((s) => s.thingId === flaky)).toHaveLength(1);
      expect((await workers.queues.get(probe.queue)!.getJob(retried))?.attemptsMade).toBe(2);
    });

    it('after a restore, relays again the events relayed whose jobs had not finished, and only those', async () => {
      // As a restored database holds them: one event relayed to a Redis that is gone, its job not done; one finished.
      const lost = randomUUID();
      const finished = randomUUID();
      const relayedAt = new Date(Date.now() - 60_000);
      const lostRow = await write({ payload: { thingId: lost }, relayedAt });
      const finishedRow = await write({ payload: { thingId: finished }, relayedAt, processedAt: relayedAt });
      const unfinished = await db.prisma.consentOutboxEvent.count({
        where: { relayedAt: { not: null }, processedAt: null },
      });
      expect(await relayUnfinishedAgain(db.prisma.consentOutboxEvent as unknown as OutboxDelegate)).toBe(unfinished);
      expect((await processedMark(lostRow.id)).relayedAt!.getTime()).toBeGreaterThan(relayedAt.getTime());
      expect(seen.filter((s) => s.thingId === lost)).toHaveLength(1);
      // The finished one keeps its marks and did not run again.
      expect(await db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id: finishedRow.id } })).toMatchObject({
        relayedAt,
        processedAt: relayedAt,
      });
      expect(seen.some((s) => s.thingId === finished)).toBe(false);
    });

    it('refuses at pickup a payload written past its definition, once, without running the job', async () => {
      const row = await write({ payload: { thingId: 'not-an-id', subjectName: '山田 太郎' } });
      const queue = workers.queues.get(probe.queue)!;
      const failed = await eventually(
        () => queue.getJob(row.id),
        (job) => job?.failedReason !== undefined,
        10_000,
      );
      expect(failed?.failedReason).toBe(`INVALID_PAYLOAD: invalid payload for ${probe.queue}`);
      expect(failed?.attemptsMade).toBe(1);
      // It has failed for good: a restore will not relay it again.
      await processedMark(row.id);
      expect(seen.some((s) => s.thingId === 'not-an-id')).toBe(false);
      const refusal = lines.find((l) => l.msg === 'job refused: invalid payload' && l.jobId === row.id);
      expect(refusal?.reason).toMatch(/^INVALID_EVENT_PAYLOAD: /);
      expect(JSON.stringify(lines)).not.toContain('山田');
    });

    it('leaves an event newer than the definition in the outbox for a worker that knows it', async () => {
      const newer = await write({ payload: { thingId: randomUUID() }, version: 2 });
      const current = await write({ payload: { thingId: randomUUID() } });
      const relayed = await eventually(
        () => db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id: current.id } }),
        (row) => row.relayedAt !== null,
        10_000,
      );
      expect(relayed.relayedAt).not.toBeNull();
      expect((await db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id: newer.id } })).relayedAt).toBeNull();
      await db.prisma.consentOutboxEvent.delete({ where: { id: newer.id } });
    });

    it('gives a scheduled job, which no request caused, a fresh request id', async () => {
      const ran: string[] = [];
      const sweep = scheduledJob({
        queue: uniqueName('sweep').replace(/_/g, '-'),
        every: 3_600_000,
        payload: z.object({}).strict(),
        async process() {
          ran.push(currentRequestId() as string);
        },
      });
      const prefix = uniqueName('renkei-test').replace(/_/g, '-');
      const scheduled = await startWorkers({
        redis,
        prefix,
        deps: { ...baseDeps(), logger: silentLogger },
        definitions: [sweep],
      });
      try {
        await eventually(
          async () => ran.length,
          (n) => n > 0,
          10_000,
        );
        expect(ran[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      } finally {
        await scheduled.close();
        // The schedule outlives the workers in Redis: removed, so that a run leaves nothing behind.
        await clearRedisPrefixes(prefix);
      }
    });
  });

  it('refuses to start a worker whose jobs need a dependency it was not given, naming the job and the need', async () => {
    const needy = eventJob({
      queue: 'needs-partner-calls',
      events: [probeEvent],
      needs: ['outbound', 'partnerCalls'],
      async process(_payload, _job, deps) {
        // Typed as present: no check needed here.
        expect(deps.partnerCalls.timeoutMs).toBeGreaterThan(0);
      },
    });
    const start = startWorkers({
      redis,
      prefix: uniqueName('renkei-test').replace(/_/g, '-'),
      deps: { ...baseDeps(), outbound: db.prisma, logger: silentLogger },
      definitions: [needy],
    });
    await expect(start).rejects.toThrow(StartupError);
    await expect(start).rejects.toThrow(
      'job needs-partner-calls needs partnerCalls (JobDependencies.partnerCalls), which this worker was not given',
    );
    // Nothing was started: no queue of it exists in Redis.
    expect(await redis.keys('*needs-partner-calls*')).toEqual([]);
  });
});
