// Identity's transactional outbox (the mechanics are lib/outbox-table.ts).
// Identity announces "the directory changed" for a user, a facility (and so
// its users), a subject or a partner, so that rooms can keep its directory
// view (rooms.directory_user / directory_subject) current; and "care
// changed" when a subject is registered (its registrant becomes related to
// it, lib/access/care-relationship.ts). Ids only: the jobs re-read the facts.
import type { Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { careChangedEvent } from '../../../lib/access/care-relationship';
import { appendEvent, outboxSource, type OutboxDelegate, type OutboxSource } from '../../../lib/outbox-table';

export type IdentityOutboxDb = Pick<PrismaClient, 'identityOutboxEvent'>;

export const directoryChangedEvent = 'directory.changed';

export type DirectoryRef = { userId: string } | { facilityId: string } | { subjectId: string } | { partnerId: string };

/** Inside the transaction of the change the event announces. */
export async function announceDirectoryChange(
  tx: Pick<Prisma.TransactionClient, 'identityOutboxEvent'>,
  ref: DirectoryRef,
): Promise<void> {
  await appendEvent(tx.identityOutboxEvent as unknown as OutboxDelegate, directoryChangedEvent, { ...ref });
}

/** The relay's view of identity's outbox. */
export function identityOutbox(db: IdentityOutboxDb): OutboxSource {
  return outboxSource('identity', db.identityOutboxEvent as unknown as OutboxDelegate);
}

/** Inside the transaction that changed a care fact identity holds (a registration). */
export async function announceCareChange(
  tx: Pick<Prisma.TransactionClient, 'identityOutboxEvent'>,
  subjectId: string,
): Promise<void> {
  await appendEvent(tx.identityOutboxEvent as unknown as OutboxDelegate, careChangedEvent, { subjectId });
}
