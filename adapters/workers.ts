// Starts a BullMQ worker (and its queue) per job type and stops them
// gracefully: close() waits for active jobs to finish before Redis goes.
// Before anything starts, every job's needs are checked against the
// dependencies given: a worker that could not run one of its jobs refuses to
// start, naming the job and what it lacks. Each job runs with its own logger
// (request id, job id, queue) and as part of its request (lib/request-id.ts),
// so the events it writes carry the same request id. A job no request caused
// (a schedule's, or one added before request ids existed) gets a fresh id, so
// the jobs it sets off can still be followed. Given metrics (deps.metrics),
// finished attempts are counted, and while the workers run each scrape reads
// the queues' job counts, the outboxes' lag and the dead letters waiting.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { StartupError } from '../lib/startup-error';
import type { EventDefinition } from '../lib/events/define-event';
import { withRequestId } from '../lib/request-id';
import {
  missingNeeds,
  type AnyJobDefinition,
  type DepsWith,
  type JobDependencies,
  type JobNeed,
} from './job-definition';
import { openJobData, readJobPayload } from './job-payload';
import { backoffStrategy, defaultExchangeRetry, exchangeJobOptions, type ExchangeRetryPolicy } from './backoff';
import { deadLetterIfLast } from './dead-letter';
import { countWaitingDeadLetters, type DeadLetterDb } from '../subgraphs/rooms';
import type { Metrics } from '../lib/metrics/metrics';
import { trails } from '../lib/audit/checkpoints';
import type { CheckpointFailure } from '../lib/audit/checkpoint-runs';
import {
  allOutboxSources,
  startOutboxRelay,
  type AllOutboxesDb,
  type OutboxRelay,
  type OutboxSource,
} from './outbox-relay';

export interface WorkerOptions {
  redis: Redis;
  prefix: string;
  deps: Omit<JobDependencies, 'workerName'>;
  definitions: ReadonlyArray<AnyJobDefinition>;
  concurrency?: number;
  /** Exchange jobs' retries (default: adapters/backoff.ts defaultExchangeRetry). */
  exchangeRetry?: ExchangeRetryPolicy;
  /**
   * Stalled-job recovery: a job whose worker died (its lock not renewed for
   * lockDurationMs) is found by another worker's check every stalledIntervalMs
   * and run again, at most maxStalledCount times (BullMQ's defaults: 30 s, 30 s, 1).
   */
  stalled?: { lockDurationMs: number; stalledIntervalMs: number; maxStalledCount: number };
  /** Overrides of repeating jobs' `every`, by queue (tests). */
  every?: Readonly<Record<string, number>>;
  /** The database of every outbox (consent, rooms, integration): when given, their events are relayed to the queues of the jobs that handle them. */
  outbox?: AllOutboxesDb;
  /** Or exactly these outboxes (tests). */
  outboxSources?: readonly OutboxSource[];
}

export interface RunningWorkers {
  queues: Map<string, Queue>;
  close(): Promise<void>;
}

/**
 * Resolves once a BullMQ worker's or queue's connections have finished
 * connecting, or failed to. Closing one before that removes its error
 * listeners while a connection is still being set up (a Redis restart), and
 * the setup's later failure is then an unhandled 'error' event.
 */
function settled(client: Pick<Worker | Queue, 'waitUntilReady'>): Promise<void> {
  // Bounded: with Redis gone for good, shutdown must not wait for a connection that never comes.
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 2_000);
  });
  const ready = client.waitUntilReady().then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([ready, giveUp]).finally(() => clearTimeout(timer));
}

/** Throws a StartupError naming every job whose needs the dependencies do not meet. */
export function checkJobNeeds(
  definitions: ReadonlyArray<Pick<AnyJobDefinition, 'queue' | 'needs'>>,
  deps: Partial<Pick<JobDependencies, JobNeed>>,
): void {
  const problems = definitions.flatMap((definition) =>
    missingNeeds(definition, deps).map(
      (need) => `job ${definition.queue} needs ${need} (JobDependencies.${need}), which this worker was not given`,
    ),
  );
  if (problems.length > 0) throw new StartupError(problems);
}

export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  const { redis, prefix, deps, definitions } = options;
  checkJobNeeds(definitions, deps);
  const workerName = `${os.hostname()}:${process.pid}`;
  const queues = new Map<string, Queue>();
  const workers: Array<{ definition: AnyJobDefinition; worker: Worker }> = [];
  const exchangeRetry = options.exchangeRetry ?? defaultExchangeRetry;
  // Dead letters and processed marks being written after final failures: shutdown waits for them
  // before Redis and PostgreSQL go.
  const letters = new Set<Promise<void>>();
  const stalled = options.stalled ?? { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2 };
  const sources = options.outboxSources ?? (options.outbox ? allOutboxSources(options.outbox) : []);
  const outboxNamed = new Map(sources.map((source) => [source.name, source]));
  /** An outbox event's job has finished for good: a restore will not relay it again (lib/outbox-table.ts). */
  async function markFinished(job: Job): Promise<void> {
    const source = outboxNamed.get(openJobData(job.data).outbox ?? '');
    if (source && job.id) await source.markProcessed(job.id);
  }
  // One BullMQ worker for a job type (also used to replace a worker after a Redis restart, see below).
  function makeWorker(definition: AnyJobDefinition): Worker {
    const worker = new Worker(
      definition.queue,
      async (job) => {
        const data = openJobData(job.data);
        // The whole job runs as part of the request that caused it: every line it logs names the
        // request (lib/logger.ts), and the events it writes carry it on.
        await withRequestId(data.requestId ?? randomUUID(), async () => {
          const logger = deps.logger.child({ jobId: job.id, queue: definition.queue });
          const read = readJobPayload(definition, job.name, data);
          // A payload that does not match its schema will never succeed.
          if (!read.ok) {
            logger.warn({ reason: read.reason }, 'job refused: invalid payload');
            throw new UnrecoverableError(`INVALID_PAYLOAD: invalid payload for ${definition.queue}`);
          }
          // checkJobNeeds proved at start that every need is present.
          const jobDeps = { ...deps, logger, workerName } as DepsWith<JobNeed>;
          await definition.process(read.payload, job, jobDeps);
        });
        // Inside the job: should the mark fail, the job fails and runs again (processors are idempotent).
        await markFinished(job);
      },
      {
        connection: redis,
        prefix,
        // Stored on every job it takes (job.processedBy): which replica ran a job, for operators and the replica tests.
        name: workerName,
        concurrency: options.concurrency ?? 4,
        lockDuration: stalled.lockDurationMs,
        stalledInterval: stalled.stalledIntervalMs,
        maxStalledCount: stalled.maxStalledCount,
        settings: { backoffStrategy: backoffStrategy(exchangeRetry) },
        // After a Redis error (a restart) fetch again in 2 s, not BullMQ's default 15 s, so queued jobs resume promptly.
        runRetryDelay: 2_000,
      },
    );
    worker.on('error', (error) =>
      deps.logger.error({ queue: definition.queue, err: { message: error.message } }, 'worker error'),
    );
    worker.on('completed', () => deps.metrics?.jobsFinished.inc({ queue: definition.queue, state: 'completed' }));
    worker.on('failed', (job, error) => {
      deps.metrics?.jobsFinished.inc({ queue: definition.queue, state: 'failed' });
      // The error's code (a partner call's HTTP_502, TIMEOUT, …), never its message: messages may quote what a partner sent.
      const { code } = error as Error & { code?: unknown };
      const errorCode = typeof code === 'string' ? code : undefined;
      deps.logger.warn(
        {
          requestId: job ? openJobData(job.data).requestId : undefined,
          queue: definition.queue,
          jobId: job?.id,
          attempts: job?.attemptsMade,
          err: { name: error.name, code: errorCode },
        },
        'job failed',
      );
      // BullMQ sets finishedOn when the failure is final (no attempt left, or unrecoverable). The dead letter
      // (exchange jobs) is written before the event is marked processed, so a backup never holds the mark without it.
      if (!job?.finishedOn) return;
      const writing = (
        definition.exchange && deps.outbound
          ? deadLetterIfLast(deps.outbound, definition, job, error, deps.logger)
          : Promise.resolve()
      )
        .then(() => markFinished(job))
        .catch((failure: unknown) =>
          deps.logger.warn(
            { queue: definition.queue, jobId: job.id, err: { message: (failure as Error).message } },
            'could not mark the failed job’s event processed: a restore would run it again',
          ),
        )
        .finally(() => letters.delete(writing));
      letters.add(writing);
    });
    return worker;
  }

  for (const definition of definitions) {
    const queue = new Queue(definition.queue, {
      connection: redis,
      prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: false,
        ...(definition.exchange ? exchangeJobOptions(exchangeRetry) : {}),
      },
    });
    queue.on('error', (error) =>
      deps.logger.error({ queue: definition.queue, err: { message: error.message } }, 'queue error'),
    );
    const every = options.every?.[definition.queue] ?? definition.every;
    if (every) {
      await queue.upsertJobScheduler(
        `${definition.queue}-schedule`,
        { every },
        { name: definition.queue, data: { payload: {} } },
      );
    }
    queues.set(definition.queue, queue);
    workers.push({ definition, worker: makeWorker(definition) });
  }
  // The relay runs wherever the workers run; it stops first, so no event is added to a closing queue.
  const byEvent = new Map<EventDefinition, Queue>();
  for (const definition of definitions) {
    const queue = queues.get(definition.queue);
    if (queue) for (const event of definition.events ?? []) byEvent.set(event, queue);
  }
  const relay: OutboxRelay | undefined =
    sources.length > 0 ? startOutboxRelay({ sources, queues: byEvent, logger: deps.logger }) : undefined;
  // Each trail's results exist from the start at 0, so the chain alert's increase() sees the first failure.
  if (deps.metrics && definitions.some((definition) => definition.needs.includes('auditCheckpoints')))
    for (const trail of trails)
      for (const result of ['ok', 'broken', 'checkpoint_file', 'not_forwarded'] satisfies Array<
        'ok' | CheckpointFailure
      >)
        deps.metrics.chainVerifications.inc({ trail, result }, 0);
  const stopReading = deps.metrics
    ? readAtScrape(deps.metrics, { queues, outboxes: sources, deadLetters: deps.outbound })
    : () => undefined;
  // After Redis went away and came back (a restart), BullMQ workers sometimes stay blocked on
  // their old blocking connection and never fetch again (taskforcesh/bullmq#2466): jobs would sit
  // in `wait` until the process restarts. So each worker is replaced by a fresh one once Redis is
  // ready again; a job the old one was running is found by the stalled check and run again
  // (processors are idempotent).
  let closing = false;
  let redisWasDown = false;
  const onClose = () => {
    redisWasDown = true;
  };
  const onReady = () => {
    if (!redisWasDown || closing) return;
    redisWasDown = false;
    deps.logger.warn({ workers: workers.length }, 'redis is back: replacing the workers');
    for (const entry of workers) {
      const old = entry.worker;
      entry.worker = makeWorker(entry.definition);
      void settled(old)
        .then(() => old.close(true))
        .catch(() => undefined);
    }
  };
  redis.on('close', onClose);
  redis.on('ready', onReady);
  return {
    queues,
    close: async () => {
      closing = true;
      stopReading();
      redis.off('close', onClose);
      redis.off('ready', onReady);
      await relay?.stop();
      await Promise.all(workers.map(({ worker }) => settled(worker).then(() => worker.close())));
      await Promise.all(letters);
      await Promise.all([...queues.values()].map((q) => settled(q).then(() => q.close())));
    },
  };
}

/** The queue states reported at scrape time (completed jobs are pruned, so they are counted as they finish). */
const scrapedJobStates = ['waiting', 'active', 'delayed', 'failed'] as const;

/** What the scrape reads where the workers run: one call per queue, one indexed query per outbox, one COUNT. */
function readAtScrape(
  metrics: Metrics,
  from: { queues: ReadonlyMap<string, Queue>; outboxes: readonly OutboxSource[]; deadLetters?: DeadLetterDb },
): () => void {
  const stops = [
    metrics.onScrape({
      name: 'jobs',
      gauge: metrics.jobs,
      read: async () => {
        const counts = await Promise.all(
          [...from.queues].map(async ([name, queue]) => [name, await queue.getJobCounts(...scrapedJobStates)] as const),
        );
        return counts.flatMap(([queue, byState]) =>
          scrapedJobStates.map((state) => ({ labels: { queue, state }, value: byState[state] ?? 0 })),
        );
      },
    }),
    metrics.onScrape({
      name: 'outbox_lag',
      gauge: metrics.outboxLag,
      read: async () => {
        const now = Date.now();
        const sources = from.outboxes.filter((source) => source.oldestPendingAt);
        return Promise.all(
          sources.map(async (source) => {
            const oldest = await source.oldestPendingAt!();
            return {
              labels: { outbox: source.name },
              value: oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0,
            };
          }),
        );
      },
    }),
  ];
  const deadLetters = from.deadLetters;
  if (deadLetters)
    stops.push(
      metrics.onScrape({
        name: 'dead_letters',
        gauge: metrics.deadLetters,
        read: async () => [{ value: await countWaitingDeadLetters(deadLetters) }],
      }),
    );
  return () => stops.forEach((stop) => stop());
}
