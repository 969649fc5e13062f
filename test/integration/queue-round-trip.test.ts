// The queue wiring end to end on the real Redis and PostgreSQL: a job is
// enqueued, a worker takes it, and its result is persisted exactly once.
import { QueueEvents } from 'bullmq';
import { jobDefinitions } from '../../adapters/jobs';
import { workerHeartbeat } from '../../adapters/jobs/worker-heartbeat';
import { startWorkers, type RunningWorkers } from '../../adapters/workers';
import { connectRedis, type Redis } from '../../lib/redis';
import { defaultIdentitySettings } from '../../subgraphs/identity/settings';
import { redisUrl, uniqueName } from '../support/environment';
import { silentLogger } from '../support/silent-logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('BullMQ round trip', () => {
  let db: TestDatabase;
  let redis: Redis;
  let workers: RunningWorkers;
  let events: QueueEvents;
  let eventsConnection: ReturnType<typeof connectRedis>;
  const prefix = uniqueName('renkei-test').replace(/_/g, '-');

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = connectRedis(redisUrl);
    await redis.connect();
    workers = await startWorkers({
      redis,
      prefix,
      deps: {
        db: db.prisma,
        identity: { db: db.prisma, settings: defaultIdentitySettings, now: () => new Date() },
        logger: silentLogger,
      },
      // The jobs that need nothing beyond db and identity (the heartbeat among them).
      definitions: jobDefinitions.filter((job) => job.needs.length === 0),
    });
    eventsConnection = connectRedis(redisUrl);
    events = new QueueEvents(workerHeartbeat.queue, { connection: eventsConnection, prefix });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events.close();
    // BullMQ does not close a connection it was given.
    await eventsConnection.quit();
    await workers.close();
    // Remove this file's keys: other test files (and other runs) use other prefixes.
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await db.drop();
  });

  function queue() {
    const q = workers.queues.get(workerHeartbeat.queue);
    if (!q) throw new Error('heartbeat queue not started');
    return q;
  }

  it('schedules the heartbeat as a repeating job', async () => {
    const schedulers = await queue().getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: 'worker-heartbeat-schedule', every: 30_000 })]);
  });

  it('processes an enqueued job and persists its result once, even when enqueued twice', async () => {
    const jobId = uniqueName('probe');
    const job = await queue().add('probe', {}, { jobId });
    await job.waitUntilFinished(events, 10_000);
    // Same job id again: BullMQ keeps the completed job, so nothing new runs.
    await queue().add('probe', {}, { jobId });
    const rows = await db.prisma.workerHeartbeat.findMany({ where: { jobId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.worker).toMatch(/:\d+$/);
  });

  it('fails a job with an invalid payload without retrying or writing', async () => {
    const jobId = uniqueName('bad');
    const job = await queue().add('probe', { subjectName: 'must never be in a payload' }, { jobId });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid payload/);
    const failed = await queue().getJob(jobId);
    expect(failed?.attemptsMade).toBe(1);
    expect(await db.prisma.workerHeartbeat.count({ where: { jobId } })).toBe(0);
  });
});
