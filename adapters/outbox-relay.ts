// Relays the outboxes (consent's, rooms', the adapters' integration one) to
// BullMQ (engineering note 4): polls each source for events
// not yet relayed (oldest first, 100 at a time, every ~500 ms and once at
// start), adds each to its job's queue with the event id as the job id, and
// only then marks it relayed. The job's data is the event's payload with its
// version and request id beside it (adapters/job-payload.ts), so the job's
// log lines carry the id of the request that caused it. Only the event
// types and versions the workers' definitions know are taken: a newer
// version waits in the outbox for a worker that knows it. Redis down: the add fails or times out, the
// event stays unrelayed and the next tick tries again (nothing lost). A crash
// after the add but before the mark re-adds the event: BullMQ keeps the job
// under that id and creates no duplicate (and the processors are idempotent
// anyway, should the completed job have been pruned meanwhile).
// Each table is read through its owner's own functions (a source), so the
// relay never reaches into another subgraph's tables. One source failing
// (its table, or Redis for its events) does not hold the others back.
import type { Queue } from 'bullmq';
import type { PrismaClient } from '../lib/database';
import type { Logger } from '../lib/logger';
import type { EventDefinition } from '../lib/events/define-event';
import type { HandledEvents, OutboxSource } from '../lib/outbox-table';
import { consentOutbox, type OutboxDb } from '../subgraphs/consent';
import { roomsOutbox } from '../subgraphs/rooms';
import { identityOutbox } from '../subgraphs/identity';
import { integrationOutbox } from './fhir/integration-outbox';
import { eventJobData } from './job-payload';

export type { OutboxSource };

export type AllOutboxesDb = Pick<
  PrismaClient,
  'consentOutboxEvent' | 'roomsOutboxEvent' | 'integrationOutboxEvent' | 'identityOutboxEvent'
>;

/** Every outbox the system has, on one database handle. */
export function allOutboxSources(db: AllOutboxesDb): OutboxSource[] {
  return [consentOutbox(db), roomsOutbox(db), integrationOutbox(db), identityOutbox(db)];
}

export interface OutboxRelayOptions {
  /** The outboxes to relay. */
  sources?: readonly OutboxSource[];
  /** Shorthand for `sources: [consentOutbox(db)]` (consent's outbox only). */
  db?: OutboxDb;
  /** Event → the queue of the job that handles it. */
  queues: ReadonlyMap<EventDefinition, Queue>;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  /** How long one add may wait for Redis before the tick gives up (ioredis queues commands while offline). */
  addTimeoutMs?: number;
}

export interface OutboxRelay {
  /** Stops polling and waits for a running tick. */
  stop(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { logger } = options;
  const queues = new Map([...options.queues].map(([event, queue]) => [event.type, queue] as const));
  const handled: HandledEvents = new Map([...options.queues.keys()].map((event) => [event.type, event.version]));
  const sources = [...(options.sources ?? []), ...(options.db ? [consentOutbox(options.db)] : [])];
  const intervalMs = options.intervalMs ?? 500;
  const batchSize = options.batchSize ?? 100;
  const addTimeoutMs = options.addTimeoutMs ?? 5_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  /** Returns whether the source gave a full batch (more may be waiting). */
  async function relaySource(source: OutboxSource): Promise<boolean> {
    const events = await source.pending(batchSize, handled);
    const relayed: string[] = [];
    try {
      for (const event of events) {
        const queue = queues.get(event.type);
        if (!queue) continue;
        await withTimeout(queue.add(event.type, eventJobData(event, source.name), { jobId: event.id }), addTimeoutMs);
        relayed.push(event.id);
      }
    } finally {
      // Mark what reached Redis even when a later add failed.
      await source.markRelayed(relayed);
    }
    return events.length === batchSize;
  }

  /** Returns whether any source may have more waiting. */
  async function relayBatch(): Promise<boolean> {
    const failures: string[] = [];
    let more = false;
    for (const source of sources) {
      try {
        if (await relaySource(source)) more = true;
      } catch (error) {
        failures.push(`${source.name}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
    return more;
  }

  // Ticks never overlap: the next one is scheduled when this one ends, at
  // once while batches come back full (a backlog drains at Redis' pace, not
  // one batch per interval), after the interval otherwise or on a failure.
  function tick(): void {
    let more = false;
    running = running
      .then(async () => {
        more = await relayBatch();
      })
      .catch((error: Error) =>
        logger.warn(
          { err: { message: error.message } },
          'outbox relay: events stay pending, retrying on the next tick',
        ),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, more ? 0 : intervalMs);
      });
  }

  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
