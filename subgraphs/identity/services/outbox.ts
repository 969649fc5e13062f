// Identity's transactional outbox (the mechanics are lib/outbox-table.ts).
// Identity announces "the directory changed" for a user, a facility (and so
// its users), a subject or a partner, so that rooms can keep its directory
// view (rooms.directory_user / directory_subject) current; "care changed"
// when a subject is registered (its registrant becomes related to it,
// lib/access/care-relationship.ts); and a partner's suspension. The events
// are defined in ../events.ts and lib/events/care-changed.ts; each payload is
// checked against its definition before it is written.
import type { Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { careChangedEvent } from '../../../lib/events/care-changed';
import type { EventDefinition } from '../../../lib/events/define-event';
import { appendEvent, outboxSource, type OutboxDelegate, type OutboxSource } from '../../../lib/outbox-table';
import { directoryChangedEvent, type DirectoryRef } from '../events';

export type IdentityOutboxDb = Pick<PrismaClient, 'identityOutboxEvent'>;
type OutboxTx = Pick<Prisma.TransactionClient, 'identityOutboxEvent'>;

export type { DirectoryRef };

/** Inside the transaction of the change the event announces. */
export async function appendIdentityOutboxEvent<Payload>(
  tx: OutboxTx,
  event: EventDefinition<string, Payload>,
  payload: NoInfer<Payload>,
): Promise<void> {
  await appendEvent(tx.identityOutboxEvent as unknown as OutboxDelegate, event, payload);
}

/** Inside the transaction of the change the event announces. */
export function announceDirectoryChange(tx: OutboxTx, ref: DirectoryRef): Promise<void> {
  return appendIdentityOutboxEvent(tx, directoryChangedEvent, ref);
}

/** The relay's view of identity's outbox. */
export function identityOutbox(db: IdentityOutboxDb): OutboxSource {
  return outboxSource('identity', db.identityOutboxEvent as unknown as OutboxDelegate);
}

/** Inside the transaction that changed a care fact identity holds (a registration). */
export function announceCareChange(tx: OutboxTx, subjectId: string): Promise<void> {
  return appendIdentityOutboxEvent(tx, careChangedEvent, { subjectId });
}
