// Rooms' chained access records (appendix 4(3)): every read or write of a
// subject's data in a room, and every refused attempt. A write's record is
// appended in the write's own transaction, so both commit or neither does;
// a read's record gets a small transaction of its own.
import { appendAccessRecord, chainVerification, type AccessRecordDelegate, type ChainStore, type ChainVerification } from '../../../lib/audit/access-log';
import type { UserPrincipal } from '../../../lib/access/principal';
import type { RoomsDb, RoomsTx } from '../context';

/** pg_advisory_xact_lock key of the rooms chain (consent's chain has its own). */
export const roomsChainLockKey = 72001;

export type AccessAction = 'READ' | 'WRITE' | 'DENIED';

export interface RoomAccessEvent {
  actor: Pick<UserPrincipal, 'userId' | 'role'>;
  room: { id: string | null; subjectId: string | null };
  action: AccessAction;
  /** A short code: timeline, post, post.edit, meeting, member.add, room.open, … */
  what: string;
  /** SUCCESS, or the refusal's error code. */
  outcome: string;
}

/** Rooms' chain inside a transaction; also used by the system's own writes (suspension-service). */
export function chainStore(tx: Pick<RoomsTx, 'roomsAccessRecord' | '$executeRaw'>): ChainStore {
  return {
    lockKey: roomsChainLockKey,
    // Prisma's delegate is wider than the structural interface access-log needs.
    records: tx.roomsAccessRecord as unknown as AccessRecordDelegate,
    lock: (key) => tx.$executeRaw`SELECT pg_advisory_xact_lock(${key})`,
  };
}

export function recordAccess(tx: RoomsTx, event: RoomAccessEvent): Promise<void> {
  return appendAccessRecord(chainStore(tx), {
    at: new Date(),
    actorId: event.actor.userId,
    actorRole: event.actor.role,
    subjectId: event.room.subjectId,
    roomId: event.room.id,
    action: event.action,
    what: event.what,
    outcome: event.outcome,
  });
}

/** For reads and refusals, which write nothing else. */
export async function recordAccessAlone(db: RoomsDb, event: RoomAccessEvent): Promise<void> {
  await db.$transaction((tx) => recordAccess(tx, event));
}


/** On a break, `records` counts the intact records before it. */
export function verifyRoomsChain(db: RoomsDb): Promise<ChainVerification> {
  return chainVerification(db.roomsAccessRecord as unknown as AccessRecordDelegate, (seq) => db.roomsAccessRecord.count({ where: { seq: { lt: seq } } }));
}
