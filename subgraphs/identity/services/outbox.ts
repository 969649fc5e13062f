// Identity's transactional outbox, the same design as consent's and rooms'
// (an event is written in the transaction of the change it announces and
// relayed to BullMQ by adapters/outbox-relay.ts with the event id as the job
// id). Identity announces one thing: "the directory changed" for a user, a
// facility (and so its users) or a subject, so that rooms can keep its
// directory view (rooms.directory_user / directory_subject) current. Ids
// only: the job re-reads the facts through directory-facts.ts.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';

export type IdentityOutboxDb = Pick<PrismaClient, 'identityOutboxEvent'>;

export const directoryChangedEvent = 'directory.changed';

export type DirectoryRef = { userId: string } | { facilityId: string } | { subjectId: string };

/** Inside the transaction of the change the event announces. */
export async function announceDirectoryChange(tx: Pick<Prisma.TransactionClient, 'identityOutboxEvent'>, ref: DirectoryRef): Promise<void> {
  await tx.identityOutboxEvent.create({ data: { id: randomUUID(), type: directoryChangedEvent, payload: { ...ref } } });
}

/** Events not yet relayed, oldest first, of the given types only. */
export async function pendingIdentityOutboxEvents(db: IdentityOutboxDb, limit: number, types: readonly string[]) {
  if (types.length === 0) return [];
  const rows = await db.identityOutboxEvent.findMany({ where: { relayedAt: null, type: { in: [...types] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit });
  return rows.map(({ id, type, payload }) => ({ id, type, payload }));
}

export async function markIdentityOutboxRelayed(db: IdentityOutboxDb, ids: readonly string[], at: Date = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db.identityOutboxEvent.updateMany({ where: { id: { in: [...ids] }, relayedAt: null }, data: { relayedAt: at } });
}
