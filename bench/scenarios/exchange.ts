// Scenario 3: the exchange pipeline against raw BullMQ on the same Redis.
// The raw side: `connections` producers add no-op jobs as fast as Redis
// takes them while a worker in the system process (concurrency 4, as the
// project's workers) starts each one; throughput is jobs from the first add
// to the last completion, and enqueue-to-start latency is the worker's start
// time minus the job's own timestamp. (In the production topology that
// worker runs in a bench process of its own beside the services, since the
// worker service runs no bench code.) The pipeline side (POST /fhir/Task to
// a stored join request) is in inbound-tasks.ts; the two run one after the
// other on the same Redis, the same number of items from the same number of
// concurrent senders.
import os from 'node:os';
import { Queue } from 'bullmq';
import { connectRedis } from '../../lib/redis';
import { percentile } from '../load';
import { inboundTaskPipeline, offeredTasksPerSecond } from './inbound-tasks';
import type { ScenarioContext, ScenarioResult } from './types';

async function rawBullmq(ctx: ScenarioContext, jobs: number, queueName: string) {
  const { connections } = ctx.config.load;
  const prefix = `${ctx.queuePrefix}-raw`;
  // The worker must be listening before the clock starts.
  const done = ctx.system.waitFor('noop-done', 300_000);
  done.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
  await ctx.system.request(
    { type: 'noop-worker', redisUrl: ctx.redisUrl, queue: queueName, prefix, concurrency: 4, jobs },
    'noop-worker-ready',
  );
  const connection = connectRedis(ctx.redisUrl);
  await connection.connect();
  const queue = new Queue(queueName, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
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
  return {
    jobsPerSecond: jobs / seconds,
    p50: percentile(result.latenciesMs, 50),
    p95: percentile(result.latenciesMs, 95),
    jobs,
    seconds,
  };
}

export async function exchangePipeline(ctx: ScenarioContext): Promise<ScenarioResult> {
  const jobs = ctx.config.load.jobs;
  await rawBullmq(ctx, Math.min(200, jobs), 'bench-noop-warmup');
  const raw = await rawBullmq(ctx, jobs, 'bench-noop');
  ctx.log(
    `  raw BullMQ: ${raw.jobsPerSecond.toFixed(0)} jobs/s over ${raw.jobs} jobs; enqueue-to-start p50 ${raw.p50} ms, p95 ${raw.p95} ms`,
  );
  const common = { scenario: '3 exchange pipeline', subject: 'POST /fhir/Task', baseline: 'raw BullMQ no-op' };
  const throughputTarget = 200;
  const latencyTargetMs = 1_000;
  const metadata = await fetch(`${ctx.system.fhirBaseUrl}/metadata`).catch(() => null);
  if (metadata?.status !== 200) {
    const notMeasured = 'not measured: exchange endpoint not available';
    ctx.log(`  POST /fhir/Task: ${notMeasured}`);
    return {
      name: 'exchange',
      rows: [
        {
          ...common,
          measure: 'throughput',
          subjectValue: null,
          baselineValue: raw.jobsPerSecond,
          unit: 'per s',
          ratio: null,
          target: `>= ${throughputTarget} /s`,
          met: null,
          note: notMeasured,
        },
        {
          ...common,
          measure: `POSTed Task to join request p95, ${offeredTasksPerSecond}/s offered`,
          subjectValue: null,
          baselineValue: null,
          unit: 'ms',
          ratio: null,
          target: `<= ${latencyTargetMs} ms`,
          met: null,
          note: notMeasured,
        },
        {
          ...common,
          measure: 'enqueue-to-start p95',
          subjectValue: null,
          baselineValue: raw.p95,
          unit: 'ms',
          ratio: null,
          note: notMeasured,
        },
      ],
      details: { raw },
    };
  }
  const pipeline = await inboundTaskPipeline(ctx, jobs);
  ctx.log(
    `  POST /fhir/Task: ${pipeline.tasksPerSecond.toFixed(0)} Tasks/s to stored join requests over ${pipeline.tasks} Tasks (${pipeline.post.failures} refused); ` +
      `POST p50 ${pipeline.post.p50.toFixed(1)} ms; the sender's own CPU ${pipeline.post.senderCpuMs.toFixed(2)} ms per Task; Task stored to join request p50 ${pipeline.storedToJoinRequest.p50.toFixed(0)} ms, p95 ${pipeline.storedToJoinRequest.p95.toFixed(0)} ms; ` +
      `job enqueue-to-start p95 ${pipeline.enqueueToStart.p95} ms over ${pipeline.enqueueToStart.jobs} jobs; ${pipeline.statementsPerTask.count} SQL statements for one Task end to end`,
  );
  const cpu = pipeline.cpuPerTask;
  const systemParts = Object.entries(cpu.system)
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(', ');
  ctx.log(
    `  CPU per Task (ms): the machine ${cpu.machine.toFixed(2)} = system ${cpu.systemTotal.toFixed(2)} (${systemParts}) + PostgreSQL ${cpu.postgres.toFixed(2)} + Redis ${cpu.redis.toFixed(2)} + the bench's sender ${cpu.bench.toFixed(2)}; ` +
      `${throughputTarget} Tasks/s on ${os.availableParallelism()} cores allows ${((1000 * os.availableParallelism()) / throughputTarget).toFixed(1)}`,
  );
  const ratio = pipeline.tasksPerSecond / raw.jobsPerSecond;
  const { offered } = pipeline;
  ctx.log(
    `  at ${offered.perSecond} Tasks/s offered (${offered.tasks} Tasks, sent at ${offered.sentPerSecond.toFixed(0)}/s): POSTed Task to stored join request p50 ${offered.postToJoinRequest.p50.toFixed(0)} ms, p95 ${offered.postToJoinRequest.p95.toFixed(0)} ms`,
  );
  return {
    name: 'exchange',
    rows: [
      {
        ...common,
        measure: 'throughput',
        subjectValue: pipeline.tasksPerSecond,
        baselineValue: raw.jobsPerSecond,
        unit: 'per s',
        ratio,
        target: `>= ${throughputTarget} /s`,
        met: pipeline.post.failures ? null : pipeline.tasksPerSecond >= throughputTarget,
        note: pipeline.post.failures
          ? `${pipeline.post.failures} Tasks refused`
          : 'Task POSTed to join request stored (the ratio to a no-op job is for scale)',
      },
      {
        ...common,
        measure: `POSTed Task to join request p95, ${offeredTasksPerSecond}/s offered`,
        baseline: 'its p50',
        subjectValue: offered.postToJoinRequest.p95,
        baselineValue: offered.postToJoinRequest.p50,
        unit: 'ms',
        ratio: null,
        target: `<= ${latencyTargetMs} ms`,
        met: offered.failures ? null : offered.postToJoinRequest.p95 <= latencyTargetMs,
        note: `${offered.tasks} Tasks sent at ${offered.sentPerSecond.toFixed(0)}/s${offered.failures ? `, ${offered.failures} refused` : ''}; POST p95 ${offered.post.p95.toFixed(0)} ms`,
      },
      {
        ...common,
        measure: 'enqueue-to-start p95',
        subjectValue: pipeline.enqueueToStart.p95,
        baselineValue: raw.p95,
        unit: 'ms',
        ratio: pipeline.enqueueToStart.p95 - raw.p95,
        difference: true,
        note: `inbound-join-received jobs (${pipeline.enqueueToStart.jobs} kept by BullMQ)`,
      },
      {
        ...common,
        measure: 'throughput of the POST stage (info)',
        subjectValue: pipeline.post.perSecond,
        baselineValue: raw.jobsPerSecond,
        unit: 'per s',
        ratio: pipeline.post.perSecond / raw.jobsPerSecond,
        note: 'Tasks answered 201 while the senders ran; the rest of the pipeline drains after',
      },
      {
        ...common,
        measure: 'Task stored to join request (info)',
        subjectValue: pipeline.storedToJoinRequest.p95,
        baselineValue: pipeline.storedToJoinRequest.p50,
        baseline: 'its p50',
        unit: 'ms (p95)',
        ratio: null,
        note: `outbox relay + queue + job; POST p50 ${pipeline.post.p50.toFixed(1)} ms, p95 ${pipeline.post.p95.toFixed(1)} ms`,
      },
      {
        ...common,
        measure: 'CPU per Task, the machine (info)',
        subjectValue: cpu.machine,
        baseline: `${throughputTarget}/s on ${os.availableParallelism()} cores`,
        baselineValue: (1000 * os.availableParallelism()) / throughputTarget,
        unit: 'ms',
        ratio: cpu.machine / ((1000 * os.availableParallelism()) / throughputTarget),
        note: `system ${cpu.systemTotal.toFixed(2)} (${systemParts}), PostgreSQL ${cpu.postgres.toFixed(2)}, Redis ${cpu.redis.toFixed(2)}, the bench's sender ${cpu.bench.toFixed(2)}: steadier than Tasks/s on a shared machine`,
      },
    ],
    details: { raw, pipeline },
  };
}
