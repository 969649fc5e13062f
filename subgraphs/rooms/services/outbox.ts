// Rooms' transactional outbox (the mechanics are lib/outbox-table.ts). The
// events it carries are defined in ../events.ts (and care.changed in
// lib/events/care-changed.ts); each payload is checked against its
// definition before it is written.
import type { Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { careChangedEvent, type CareChangedPayload } from '../../../lib/events/care-changed';
import type { EventDefinition } from '../../../lib/events/define-event';
import {
  appendEvent,
  appendEventAgain,
  outboxSource,
  type OutboxDelegate,
  type OutboxSource,
} from '../../../lib/outbox-table';

export type RoomsOutboxDb = Pick<PrismaClient, 'roomsOutboxEvent'>;
type OutboxTx = Pick<Prisma.TransactionClient, 'roomsOutboxEvent'>;

const table = (tx: OutboxTx) => tx.roomsOutboxEvent as unknown as OutboxDelegate;

/** Inside the transaction of the change the event announces. */
export function appendRoomsOutboxEvent<Payload>(
  tx: OutboxTx,
  event: EventDefinition<string, Payload>,
  payload: NoInfer<Payload>,
): Promise<string> {
  return appendEvent(table(tx), event, payload);
}

/** A dead letter's event written again (exchange/services/dead-letter-service.ts): its job parses it on pickup. */
export function appendRoomsOutboxEventAgain(
  tx: OutboxTx,
  event: { type: string; version: number; payload: Prisma.InputJsonValue },
): Promise<string> {
  return appendEventAgain(table(tx), event);
}

/** The relay's view of rooms' outbox. */
export function roomsOutbox(db: RoomsOutboxDb): OutboxSource {
  return outboxSource('rooms', db.roomsOutboxEvent as unknown as OutboxDelegate);
}

/**
 * Inside the transaction that changed a care fact rooms holds: a room, its
 * members, a Form 8-10, an existence check (lib/access/care-relationship.ts).
 */
export function announceCareChange(tx: OutboxTx, payload: CareChangedPayload): Promise<string> {
  return appendRoomsOutboxEvent(tx, careChangedEvent, payload);
}
