// Worker heartbeat: a repeating job that records that a worker took a job
// from Redis and wrote to PostgreSQL. It proves the queue wiring end to end
// and tells operators (and the gateway's /readyz) when a worker last ran.
// Rows are keyed by job id, so a retried job writes nothing new, and rows
// older than a day are pruned by the job itself.
import { z } from 'zod';
import { scheduledJob } from '../job-definition';

const retention = 24 * 60 * 60 * 1000;

export const workerHeartbeat = scheduledJob({
  queue: 'worker-heartbeat',
  payload: z.object({}).strict(),
  every: 30_000,
  async process(_payload, job, { db, workerName }) {
    const jobId = job.id ?? `${job.name}:${job.timestamp}`;
    await db.$transaction([
      db.workerHeartbeat.upsert({ where: { jobId }, create: { jobId, worker: workerName }, update: {} }),
      db.workerHeartbeat.deleteMany({ where: { processedAt: { lt: new Date(Date.now() - retention) } } }),
    ]);
  },
});
