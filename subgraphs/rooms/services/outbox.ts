// Rooms' transactional outbox (the mechanics are lib/outbox-table.ts): its
// events and their payloads, ids only.
import type { Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { careChangedEvent, type CareChangedPayload } from '../../../lib/access/care-relationship';
import { appendEvent, outboxSource, type OutboxDelegate, type OutboxSource } from '../../../lib/outbox-table';

export type RoomsOutboxDb = Pick<PrismaClient, 'roomsOutboxEvent'>;

/** An inbound (Art. 20-2) join request was approved or rejected: the partner's Task follows. */
export const inboundJoinDecidedEvent = 'inbound-join.decided';

export interface InboundJoinDecidedPayload {
  joinRequestId: string;
  /** The inbound Task id (integration schema), the request's correlation id. */
  correlationId: string;
}

export type RoomsOutboxPayload = InboundJoinDecidedPayload | Record<string, string>;

/** Inside the transaction of the change the event announces. */
export function appendRoomsOutboxEvent(
  tx: Pick<Prisma.TransactionClient, 'roomsOutboxEvent'>,
  type: string,
  payload: RoomsOutboxPayload,
): Promise<string> {
  return appendEvent(tx.roomsOutboxEvent as unknown as OutboxDelegate, type, { ...payload });
}

/** The relay's view of rooms' outbox. */
export function roomsOutbox(db: RoomsOutboxDb): OutboxSource {
  return outboxSource('rooms', db.roomsOutboxEvent as unknown as OutboxDelegate);
}

/**
 * Inside the transaction that changed a care fact rooms holds: a room, its
 * members, a Form 8-10, an existence check (lib/access/care-relationship.ts).
 */
export function announceCareChange(
  tx: Pick<Prisma.TransactionClient, 'roomsOutboxEvent'>,
  payload: CareChangedPayload,
): Promise<string> {
  return appendEvent(tx.roomsOutboxEvent as unknown as OutboxDelegate, careChangedEvent, { ...payload });
}
