// Relays consent's outbox to BullMQ (engineering note 4): polls for events
// not yet relayed (oldest first, 100 at a time, every ~500 ms and once at
// start), adds each to its job's queue with the event id as the job id, and
// only then marks it relayed. Redis down: the add fails or times out, the
// event stays unrelayed and the next tick tries again (nothing lost). A crash
// after the add but before the mark re-adds the event: BullMQ keeps the job
// under that id and creates no duplicate (and the processors are idempotent
// anyway, should the completed job have been pruned meanwhile).
// The table is read through consent's own functions (services/outbox.ts).
import type { Queue } from 'bullmq';
import type { Logger } from '../lib/logger';
import { markRelayed, pendingOutboxEvents, type OutboxDb } from '../subgraphs/consent/services/outbox';

export interface OutboxRelayOptions {
  db: OutboxDb;
  /** Event type → the queue of the job that handles it. */
  queues: ReadonlyMap<string, Queue>;
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
  const { db, queues, logger } = options;
  const intervalMs = options.intervalMs ?? 500;
  const batchSize = options.batchSize ?? 100;
  const addTimeoutMs = options.addTimeoutMs ?? 5_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function relayBatch(): Promise<void> {
    const events = await pendingOutboxEvents(db, batchSize, [...queues.keys()]);
    const relayed: string[] = [];
    try {
      for (const event of events) {
        const queue = queues.get(event.type);
        if (!queue) continue;
        await withTimeout(queue.add(event.type, event.payload, { jobId: event.id }), addTimeoutMs);
        relayed.push(event.id);
      }
    } finally {
      // Mark what reached Redis even when a later add failed.
      await markRelayed(db, relayed);
    }
  }

  // Ticks never overlap: the next one is scheduled when this one ends.
  function tick(): void {
    running = running
      .then(relayBatch)
      .catch((error: Error) => logger.warn({ err: { message: error.message } }, 'outbox relay: events stay pending, retrying on the next tick'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
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
