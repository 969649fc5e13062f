// Rooms' transactional outbox, the same design as consent's
// (subgraphs/consent/services/outbox.ts): an event is written in the
// transaction of the change it announces and relayed to BullMQ by
// adapters/outbox-relay.ts with the event id as the job id. Payloads hold
// ids only (Redis keeps them in clear text).
import { randomUUID } from 'node:crypto';
import type { Prisma, RoomsOutboxEvent } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';

export type RoomsOutboxDb = Pick<PrismaClient, 'roomsOutboxEvent'>;

/** An inbound (Art. 20-2) join request was approved or rejected: the partner's Task follows. */
export const inboundJoinDecidedEvent = 'inbound-join.decided';

export interface InboundJoinDecidedPayload {
  joinRequestId: string;
  /** The inbound Task id (integration schema), the request's correlation id. */
  correlationId: string;
}

export type RoomsOutboxPayload = InboundJoinDecidedPayload | Record<string, string>;

export interface RoomsOutboxEventView {
  id: string;
  type: string;
  payload: Prisma.JsonValue;
}

/** Inside the transaction of the change the event announces. */
export async function appendRoomsOutboxEvent(tx: Pick<Prisma.TransactionClient, 'roomsOutboxEvent'>, type: string, payload: RoomsOutboxPayload): Promise<string> {
  const id = randomUUID();
  await tx.roomsOutboxEvent.create({ data: { id, type, payload: { ...payload } } });
  return id;
}

/** Events not yet relayed, oldest first, of the given types only (an unknown type never blocks the others). */
export async function pendingRoomsOutboxEvents(db: RoomsOutboxDb, limit: number, types: readonly string[]): Promise<RoomsOutboxEventView[]> {
  if (types.length === 0) return [];
  const rows: RoomsOutboxEvent[] = await db.roomsOutboxEvent.findMany({
    where: { relayedAt: null, type: { in: [...types] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map(({ id, type, payload }) => ({ id, type, payload }));
}

export async function markRoomsOutboxRelayed(db: RoomsOutboxDb, ids: readonly string[], at: Date = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db.roomsOutboxEvent.updateMany({ where: { id: { in: [...ids] }, relayedAt: null }, data: { relayedAt: at } });
}
