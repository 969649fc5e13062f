// Scenario 3: the exchange pipeline against raw BullMQ on the same Redis.
// The raw side: `connections` producers add no-op jobs as fast as Redis
// takes them while a worker in the system process (concurrency 4, as the
// project's workers) starts each one; throughput is jobs from the first add
// to the last completion, and enqueue-to-start latency is the worker's start
// time minus the job's own timestamp. The pipeline side (POST /fhir/Task to
// a stored join request) needs the partner exchange endpoint.
import { Queue } from 'bullmq';
import { connectRedis } from '../../lib/redis';
import { percentile } from '../load';
import type { ScenarioContext, ScenarioResult } from './types';

async function rawBullmq(ctx: ScenarioContext, jobs: number, queueName: string) {
  const { connections } = ctx.config.load;
  const prefix = `${ctx.queuePrefix}-raw`;
  // The worker must be listening before the clock starts.
  const done = ctx.system.waitFor('noop-done', 300_000);
  done.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
  await ctx.system.request({ type: 'noop-worker', redisUrl: ctx.redisUrl, queue: queueName, prefix, concurrency: 4, jobs }, 'noop-worker-ready');
  const connection = connectRedis(ctx.redisUrl);
  await connection.connect();
  const queue = new Queue(queueName, { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  queue.on('error', () => undefined);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < jobs) {
        next += 1;
        await queue.add('noop', { n: next });
      }
    }),
  );
  const result = await done;
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await connection.quit();
  const seconds = (result.lastEnd - started) / 1000;
  return { jobsPerSecond: jobs / seconds, p50: percentile(result.latenciesMs, 50), p95: percentile(result.latenciesMs, 95), jobs, seconds };
}

export async function exchangePipeline(ctx: ScenarioContext): Promise<ScenarioResult> {
  const jobs = ctx.config.load.jobs;
  await rawBullmq(ctx, Math.min(200, jobs), 'bench-noop-warmup');
  const raw = await rawBullmq(ctx, jobs, 'bench-noop');
  ctx.log(`  raw BullMQ: ${raw.jobsPerSecond.toFixed(0)} jobs/s over ${raw.jobs} jobs; enqueue-to-start p50 ${raw.p50} ms, p95 ${raw.p95} ms`);
  const notMeasured = 'not measured: exchange endpoint not available';
  ctx.log(`  POST /fhir/Task: ${notMeasured}`);
  return {
    name: 'exchange',
    rows: [
      { scenario: '3 exchange pipeline', measure: 'throughput', subject: 'POST /fhir/Task', baseline: 'raw BullMQ no-op', subjectValue: null, baselineValue: raw.jobsPerSecond, unit: 'per s', ratio: null, target: '>= 0.6x', met: null, note: notMeasured },
      { scenario: '3 exchange pipeline', measure: 'enqueue-to-start p95', subject: 'POST /fhir/Task', baseline: 'raw BullMQ no-op', subjectValue: null, baselineValue: raw.p95, unit: 'ms', ratio: null, note: notMeasured },
    ],
    details: { raw },
  };
}
