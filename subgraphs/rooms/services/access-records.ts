// Rooms' chained access records (appendix 4(3)): every read or write of a
// subject's data in a room, and every refused attempt. A write's record is
// appended in the write's own transaction, so both commit or neither does;
// reads and refusals of concurrent requests are committed together
// (lib/audit/group-commit.ts).
import {
  appendAccessRecord,
  appendAccessRecords,
  type AccessRecordDelegate,
  type ChainStore,
} from '../../../lib/audit/access-log';
import { verifyTrailChain, type ChainVerification, accessRecordReader } from '../../../lib/audit/chain-reader';
import type { UserPrincipal } from '../../../lib/access/principal';
import type { AccessFacts } from '../../../lib/audit/hash-chain';
import { committerPerHandle, groupCommit } from '../../../lib/audit/group-commit';
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
  /** The break-glass emergency access the action was taken under (emergency/); absent otherwise. */
  emergencyAccessId?: string | null;
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

function factsOf(event: RoomAccessEvent): AccessFacts {
  return {
    at: new Date(),
    actorId: event.actor.userId,
    actorRole: event.actor.role,
    subjectId: event.room.subjectId,
    roomId: event.room.id,
    action: event.action,
    what: event.what,
    outcome: event.outcome,
    // Only when set: the canonical form then covers it (lib/audit/hash-chain.ts).
    ...(event.emergencyAccessId ? { emergencyAccessId: event.emergencyAccessId } : {}),
  };
}

export function recordAccess(tx: RoomsTx, event: RoomAccessEvent): Promise<void> {
  return appendAccessRecord(chainStore(tx), factsOf(event));
}

/** Several records of one write, in order, in the write's own transaction (one lock, one insert). */
export function recordAccesses(tx: RoomsTx, events: readonly RoomAccessEvent[]): Promise<void> {
  return appendAccessRecords(chainStore(tx), events.map(factsOf));
}

// Reads and refusals of concurrent requests share one transaction (one lock,
// one commit) instead of queueing on the chain's lock one by one.
const standaloneRecords = committerPerHandle((db: RoomsDb) =>
  groupCommit<AccessFacts>((batch) => db.$transaction((tx) => appendAccessRecords(chainStore(tx), batch))),
);

/** For reads and refusals, which write nothing else: committed before it returns. */
export function recordAccessAlone(db: RoomsDb, event: RoomAccessEvent): Promise<void> {
  return standaloneRecords(db)(factsOf(event));
}

/** On a break, `records` counts the intact records before it. */
export function verifyRoomsChain(db: RoomsDb): Promise<ChainVerification> {
  return verifyTrailChain(accessRecordReader(db.roomsAccessRecord), (seq) =>
    db.roomsAccessRecord.count({ where: { seq: { lt: seq } } }),
  );
}
