// One transactional outbox table, whoever owns it (consent, rooms, identity,
// the adapters' integration schema): an event is written in the transaction
// of the change it announces, so it exists exactly when the change
// committed; the relay (adapters/outbox-relay.ts) adds it to BullMQ with the
// event id as the job id and only then marks it relayed, so a crash between
// the two re-adds it and BullMQ drops the duplicate. Payloads hold ids only
// (Redis keeps them in clear text). Each owner keeps its own table and
// event names and exposes this module's functions over its table, so the
// relay never touches another owner's tables directly.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';

export interface OutboxEvent {
  id: string;
  type: string;
  payload: Prisma.JsonValue;
}

/** The part of an outbox model's Prisma delegate this module uses (every outbox table has the same columns). */
export interface OutboxDelegate {
  create(args: { data: { id: string; type: string; payload: Prisma.InputJsonValue } }): Promise<unknown>;
  findMany(args: {
    where: { relayedAt: null; type: { in: string[] } };
    orderBy: Array<{ createdAt: 'asc' } | { id: 'asc' }>;
    take: number;
  }): Promise<OutboxEvent[]>;
  updateMany(args: { where: { id: { in: string[] }; relayedAt: null }; data: { relayedAt: Date } }): Promise<unknown>;
}

/** What the relay reads and marks: one outbox, through its owner. */
export interface OutboxSource {
  name: string;
  pending(limit: number, types: readonly string[]): Promise<OutboxEvent[]>;
  markRelayed(ids: readonly string[]): Promise<void>;
}

/** Inside the transaction of the change the event announces. Returns the event id (the job id). */
export async function appendEvent(
  table: OutboxDelegate,
  type: string,
  payload: Record<string, string>,
): Promise<string> {
  const id = randomUUID();
  await table.create({ data: { id, type, payload: { ...payload } } });
  return id;
}

/** Events not yet relayed, oldest first, of the given types only (an unknown type never blocks the others). */
export async function pendingEvents(
  table: OutboxDelegate,
  limit: number,
  types: readonly string[],
): Promise<OutboxEvent[]> {
  if (types.length === 0) return [];
  const rows = await table.findMany({
    where: { relayedAt: null, type: { in: [...types] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map(({ id, type, payload }) => ({ id, type, payload }));
}

export async function markEventsRelayed(
  table: OutboxDelegate,
  ids: readonly string[],
  at: Date = new Date(),
): Promise<void> {
  if (ids.length === 0) return;
  await table.updateMany({ where: { id: { in: [...ids] }, relayedAt: null }, data: { relayedAt: at } });
}

export function outboxSource(name: string, table: OutboxDelegate): OutboxSource {
  return {
    name,
    pending: (limit, types) => pendingEvents(table, limit, types),
    markRelayed: (ids) => markEventsRelayed(table, ids),
  };
}
