// Consent's transactional outbox (engineering note 4, 7; the mechanics are
// lib/outbox-table.ts). The events it carries are defined in ../events.ts
// (and care.changed in lib/events/care-changed.ts); each payload is checked
// against its definition before it is written.
import type { Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { careChangedEvent } from '../../../lib/events/care-changed';
import type { EventDefinition } from '../../../lib/events/define-event';
import { appendEvent, outboxSource, type OutboxDelegate, type OutboxSource } from '../../../lib/outbox-table';

export type OutboxDb = Pick<PrismaClient, 'consentOutboxEvent'>;
type OutboxTx = Pick<Prisma.TransactionClient, 'consentOutboxEvent'>;

/** Inside the transaction of the change the event announces. */
export function appendOutboxEvent<Payload>(
  tx: OutboxTx,
  event: EventDefinition<string, Payload>,
  payload: NoInfer<Payload>,
): Promise<string> {
  return appendEvent(tx.consentOutboxEvent as unknown as OutboxDelegate, event, payload);
}

/** Every consent write relates its recorder to the subject (a step towards a room, lib/access/care-relationship.ts). */
export function announceCareChange(tx: OutboxTx, subjectId: string): Promise<string> {
  return appendOutboxEvent(tx, careChangedEvent, { subjectId });
}

/** The relay's view of consent's outbox. */
export function consentOutbox(db: OutboxDb): OutboxSource {
  // Prisma's delegate is wider than the structural interface lib/outbox-table needs.
  return outboxSource('consent', db.consentOutboxEvent as unknown as OutboxDelegate);
}
