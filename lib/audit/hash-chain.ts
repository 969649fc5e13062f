// Access records chained by hash (appendix 4(3)): each record's hash covers
// its content and the previous record's hash, so changing, removing or
// reordering any record breaks every hash after it. Pure: the canonical
// form and the verification; subgraphs store the records in their own table.
import { createHash } from 'node:crypto';

export const genesisHash = '0'.repeat(64);

export interface AccessFacts {
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  subjectId: string | null;
  roomId: string | null;
  /** READ or WRITE (or DENIED for a refused attempt). */
  action: string;
  /** What was read or written, as a short code (e.g. "post", "timeline", "consent"). */
  what: string;
  outcome: string;
  /**
   * Rooms only: the break-glass emergency access a record was made under
   * (null or absent otherwise). Added after records were first chained, so
   * the canonical form carries it only when set and older records still verify.
   */
  emergencyAccessId?: string | null;
}

export interface ChainedRecord extends AccessFacts {
  seq: bigint;
  prevHash: string;
  hash: string;
}

/**
 * The exact bytes hashed: fixed field order, explicit nulls, ISO time in UTC.
 * The emergency access id is appended only when set, so a record without one
 * hashes exactly as before the field existed.
 */
export function canonicalForm(facts: AccessFacts, prevHash: string): string {
  const fields: Array<string | null> = [
    prevHash,
    facts.at.toISOString(),
    facts.actorId,
    facts.actorRole,
    facts.subjectId,
    facts.roomId,
    facts.action,
    facts.what,
    facts.outcome,
  ];
  if (facts.emergencyAccessId != null) fields.push(facts.emergencyAccessId);
  return JSON.stringify(fields);
}

export function chainHash(facts: AccessFacts, prevHash: string): string {
  return createHash('sha256').update(canonicalForm(facts, prevHash)).digest('hex');
}

export type ChainVerdict =
  | { ok: true; records: number }
  | { ok: false; brokenAt: bigint; reason: 'hash-mismatch' | 'link-mismatch' };

/** A chained record of any trail, as walked: its stored link and hash, and its hash recomputed now. */
export interface LinkedRecord {
  seq: bigint;
  /** The link the record stores (null for a record that carries none: always a break). */
  prevHash: string | null;
  /** The hash the record stores. */
  hash: string | null;
  /** Its hash recomputed now from its content and its stored link. */
  computed: string;
}

/** Verifies linked records in seq order, the first linking to `startHash`: any trail's canonical form. */
export function verifyLinked(records: Iterable<LinkedRecord>, startHash = genesisHash): ChainVerdict {
  let previous = startHash;
  let count = 0;
  for (const record of records) {
    if (record.prevHash !== previous) return { ok: false, brokenAt: record.seq, reason: 'link-mismatch' };
    if (record.hash !== record.computed) return { ok: false, brokenAt: record.seq, reason: 'hash-mismatch' };
    previous = record.hash;
    count += 1;
  }
  return { ok: true, records: count };
}

/** An access record as walked: its hash recomputed with the access records' canonical form. */
export function linkedAccessRecord(record: ChainedRecord): LinkedRecord {
  return {
    seq: record.seq,
    prevHash: record.prevHash,
    hash: record.hash,
    computed: chainHash(record, record.prevHash),
  };
}

/** Verifies access records in seq order, starting from the genesis hash (or the hash before the first one given). */
export function verifyChain(records: Iterable<ChainedRecord>, startHash = genesisHash): ChainVerdict {
  return verifyLinked([...records].map(linkedAccessRecord), startHash);
}
