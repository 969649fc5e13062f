// Consent's access records (appendix 4(3)): every read of consent data,
// every write and every refused attempt is appended to consent.access_record,
// hash-chained (lib/audit). One advisory lock (accessChainLockKey) serializes
// the chain's appends; consent writes take the same lock first, so the lock
// also serializes "check the current state, then append" for consent and
// exceptions (see consent-service.ts).
import type { Prisma } from '../../../generated/prisma/client';
import { appendAccessRecords, type AccessRecordDelegate, type ChainStore } from '../../../lib/audit/access-log';
import { verifyTrailChain, type ChainVerification, accessRecordReader } from '../../../lib/audit/chain-reader';
import type { AccessFacts } from '../../../lib/audit/hash-chain';
import { isUuid } from '../../../lib/input';
import { committerPerHandle, groupCommit } from '../../../lib/audit/group-commit';
import type { Principal } from '../../../lib/access/principal';
import type { ConsentDb } from '../context';

/** pg_advisory_xact_lock key of consent's access chain. */
export const accessChainLockKey = 72002;

export type AccessAction = 'READ' | 'WRITE' | 'DENIED';

/** What one access was about; the actor and time come from the request. */
export interface AccessEntry {
  action: AccessAction;
  /** The field or mutation: consentStatus, consentHistory, recordConsent, … */
  what: string;
  subjectId: string | null;
  roomId?: string | null;
  /** OK, or the error code of a refusal. */
  outcome: string;
}

export function chainStore(tx: Prisma.TransactionClient): ChainStore {
  return {
    lockKey: accessChainLockKey,
    records: tx.consentAccessRecord as unknown as AccessRecordDelegate,
    lock: (key) => tx.$executeRaw`SELECT pg_advisory_xact_lock(${key}::bigint)`,
  };
}

/** Takes the chain's lock; the first statement of every consent write. */
export async function lockChain(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${accessChainLockKey}::bigint)`;
}

export function accessFacts(principal: Principal, entry: AccessEntry, at: Date): AccessFacts {
  const user = principal.kind === 'user' ? principal : null;
  return {
    at,
    actorId: user?.userId ?? null,
    actorRole: user?.role ?? principal.kind,
    // The column is a uuid: a malformed id is recorded as no subject (the refusal itself is still recorded).
    subjectId: entry.subjectId && isUuid(entry.subjectId) ? entry.subjectId : null,
    roomId: entry.roomId && isUuid(entry.roomId) ? entry.roomId : null,
    action: entry.action,
    what: entry.what,
    outcome: entry.outcome,
  };
}

// One request's entries, and those of requests arriving meanwhile, share one
// transaction (one lock, one commit): lib/audit/group-commit.ts.
const standaloneEntries = committerPerHandle((db: ConsentDb) =>
  groupCommit<AccessFacts[]>((batches) => db.$transaction((tx) => appendAccessRecords(chainStore(tx), batches.flat()))),
);

/** Appends a request's entries; committed before it returns. */
export async function appendAccessEntries(
  db: ConsentDb,
  principal: Principal,
  entries: readonly AccessEntry[],
  at: Date,
): Promise<void> {
  if (entries.length === 0) return;
  await standaloneEntries(db)(entries.map((entry) => accessFacts(principal, entry, at)));
}

/** On a break, `records` counts the intact records before it. */
export function verifyConsentAccessChain(db: ConsentDb): Promise<ChainVerification> {
  return verifyTrailChain(accessRecordReader(db.consentAccessRecord), (seq) =>
    db.consentAccessRecord.count({ where: { seq: { lt: seq } } }),
  );
}
