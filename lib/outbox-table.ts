// One transactional outbox table, whoever owns it (consent, rooms, identity,
// the adapters' integration schema): an event is written in the transaction
// of the change it announces, so it exists exactly when the change
// committed; the relay (adapters/outbox-relay.ts) adds it to BullMQ with the
// event id as the job id and only then marks it relayed, so a crash between
// the two re-adds it and BullMQ drops the duplicate. The worker marks the
// event processed once its job has finished for good, so that a restore (whose
// archive holds PostgreSQL, not Redis) relays again exactly the events whose
// jobs were still in Redis (relayUnfinishedAgain). Payloads hold ids only
// (Redis keeps them in clear text). Each owner keeps its own table and
// event definitions and exposes this module's functions over its table, so
// the relay never touches another owner's tables directly.
//
// An event is written from its definition (lib/events/define-event.ts): the
// payload is parsed first, so a bad one throws inside the transaction of the
// change and nothing is written. The definition's version and the current
// request id (lib/request-id.ts) are stored beside the payload, in their own
// columns: the payload stays the event's domain data only.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';
import { parseEventPayload, type EventDefinition } from './events/define-event';
import { currentRequestId } from './request-id';

export interface OutboxEvent {
  id: string;
  type: string;
  /** The version of the event's definition it was written with. */
  version: number;
  /** The request that caused it, if a request did. */
  requestId: string | null;
  payload: Prisma.JsonValue;
}

/** What a relay handles: each event type with the highest version its definition knows. */
export type HandledEvents = ReadonlyMap<string, number>;

export interface OutboxRow {
  id: string;
  type: string;
  version: number;
  requestId: string | null;
  payload: Prisma.InputJsonValue;
}

/** The part of an outbox model's Prisma delegate this module uses (every outbox table has the same columns). */
export interface OutboxDelegate {
  create(args: { data: OutboxRow }): Promise<unknown>;
  findMany(args: {
    where: { relayedAt: null; OR: Array<{ type: string; version: { lte: number } }> };
    orderBy: Array<{ createdAt: 'asc' } | { id: 'asc' }>;
    take: number;
  }): Promise<OutboxEvent[]>;
  updateMany(
    args:
      | { where: { id: { in: string[] }; relayedAt: null }; data: { relayedAt: Date } }
      | { where: { id: string; processedAt: null }; data: { processedAt: Date } }
      | { where: { relayedAt: { not: null }; processedAt: null }; data: { relayedAt: null } },
  ): Promise<{ count: number }>;
  findFirst(args: {
    where: { relayedAt: null };
    orderBy: Array<{ createdAt: 'asc' }>;
    select: { createdAt: true };
  }): Promise<{ createdAt: Date } | null>;
}

/** What the relay reads and marks: one outbox, through its owner. */
export interface OutboxSource {
  name: string;
  pending(limit: number, handled: HandledEvents): Promise<OutboxEvent[]>;
  markRelayed(ids: readonly string[]): Promise<void>;
  /** The event's job finished for good (completed, or failed with no attempt left): a restore leaves it be. */
  markProcessed(id: string): Promise<void>;
  /** When the oldest event not yet relayed was written (any type), or null: the outbox lag metric. */
  oldestPendingAt?(): Promise<Date | null>;
}

/**
 * Inside the transaction of the change the event announces. Throws
 * InvalidEventPayload (and writes nothing) when the payload does not match
 * the event's schema. Returns the event id (the job id).
 */
export async function appendEvent<Payload>(
  table: OutboxDelegate,
  event: EventDefinition<string, Payload>,
  payload: NoInfer<Payload>,
): Promise<string> {
  const row = outboxRow(event, payload);
  await table.create({ data: row });
  return row.id;
}

/**
 * The row appendEvent writes (the payload parsed, a new id, the current
 * request id), for an owner that writes it in the same SQL statement as the
 * change it announces (adapters/fhir/inbound-task-service.ts, on the
 * exchange's busiest path). Throws InvalidEventPayload as appendEvent does.
 */
export function outboxRow<Payload>(event: EventDefinition<string, Payload>, payload: NoInfer<Payload>): OutboxRow {
  const parsed = parseEventPayload(event, payload);
  return newRow({ type: event.type, version: event.version, payload: parsed as Prisma.InputJsonValue });
}

/**
 * An event written again as it was (a dead letter re-driven): its payload
 * passed its schema when the job first picked it up and is parsed again when
 * the job picks it up now; its owner may be another outbox's (the re-drive
 * is written where the dead letters live).
 */
export async function appendEventAgain(
  table: OutboxDelegate,
  event: { type: string; version: number; payload: Prisma.InputJsonValue },
): Promise<string> {
  const row = newRow(event);
  await table.create({ data: row });
  return row.id;
}

function newRow(event: { type: string; version: number; payload: Prisma.InputJsonValue }): OutboxRow {
  return { id: randomUUID(), ...event, requestId: currentRequestId() ?? null };
}

/**
 * Events not yet relayed, oldest first, of the handled types and versions
 * only: an unknown type never blocks the others, and an event newer than
 * this relay's definitions waits for a relay that knows it.
 */
export async function pendingEvents(
  table: OutboxDelegate,
  limit: number,
  handled: HandledEvents,
): Promise<OutboxEvent[]> {
  if (handled.size === 0) return [];
  const rows = await table.findMany({
    where: { relayedAt: null, OR: [...handled].map(([type, version]) => ({ type, version: { lte: version } })) },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map(({ id, type, version, requestId, payload }) => ({ id, type, version, requestId, payload }));
}

export async function markEventsRelayed(
  table: OutboxDelegate,
  ids: readonly string[],
  at: Date = new Date(),
): Promise<void> {
  if (ids.length === 0) return;
  await table.updateMany({ where: { id: { in: [...ids] }, relayedAt: null }, data: { relayedAt: at } });
}

export async function markEventProcessed(table: OutboxDelegate, id: string, at: Date = new Date()): Promise<void> {
  await table.updateMany({ where: { id, processedAt: null }, data: { processedAt: at } });
}

/**
 * After a restore: the events relayed whose jobs had not finished are relayed again. Their jobs were
 * in Redis, which the archive does not hold; the relay adds each again under its event id (BullMQ
 * drops it if that Redis still has the job), and jobs are idempotent, as BullMQ's at-least-once
 * delivery already requires. Returns how many.
 */
export async function relayUnfinishedAgain(table: OutboxDelegate): Promise<number> {
  const reset = await table.updateMany({
    where: { relayedAt: { not: null }, processedAt: null },
    data: { relayedAt: null },
  });
  return reset.count;
}

/** One indexed read (relayed_at, created_at): the age of the backlog, whatever its event types. */
export async function oldestPendingAt(table: OutboxDelegate): Promise<Date | null> {
  const row = await table.findFirst({
    where: { relayedAt: null },
    orderBy: [{ createdAt: 'asc' }],
    select: { createdAt: true },
  });
  return row?.createdAt ?? null;
}

export function outboxSource(name: string, table: OutboxDelegate): OutboxSource {
  return {
    name,
    pending: (limit, handled) => pendingEvents(table, limit, handled),
    markRelayed: (ids) => markEventsRelayed(table, ids),
    markProcessed: (id) => markEventProcessed(table, id),
    oldestPendingAt: () => oldestPendingAt(table),
  };
}
