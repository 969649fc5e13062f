// The one way to walk any of the hash-chained trails (rooms' and consent's
// access records, identity's audit events), whatever its row shape: a reader
// gives pages of records in seq order, each with the hash recomputed from its
// content. The checkpoints (checkpoint-files.ts) and the three subgraphs'
// verify operations walk every trail through it.
import type { PrismaClient } from '../../generated/prisma/client';
import { auditEventHash, type JsonValue } from './audit-event-chain';
import { genesisHash, linkedAccessRecord, verifyLinked, type ChainedRecord, type LinkedRecord } from './hash-chain';

export interface ChainReader {
  /** Up to `take` records with seq > after, in seq order. */
  page(after: bigint, take: number): Promise<LinkedRecord[]>;
}

/** What a subgraph's verify operation answers (GraphQL ChainVerification). */
export interface ChainVerification {
  ok: boolean;
  /** On a break, the intact records before it. */
  records: number;
  brokenAt: string | null;
  reason: 'HASH_MISMATCH' | 'LINK_MISMATCH' | null;
}

/** The part of rooms' or consent's access_record delegate a reader needs. */
export interface AccessRecordPages {
  findMany(args: { where: { seq: { gt: bigint } }; orderBy: { seq: 'asc' }; take: number }): Promise<ChainedRecord[]>;
}

export function accessRecordReader(records: AccessRecordPages): ChainReader {
  return {
    async page(after, take) {
      const rows = await records.findMany({ where: { seq: { gt: after } }, orderBy: { seq: 'asc' }, take });
      return rows.map(linkedAccessRecord);
    },
  };
}

/**
 * Identity's audit events. Events written before the chain began (migration
 * 20261206130000) carry no hash and stay outside it: the chain starts at the
 * first hashed event, and an unhashed event after that start is a break.
 */
export function auditEventReader(db: Pick<PrismaClient, 'auditEvent'>): ChainReader {
  let start: Promise<bigint | null> | undefined;
  const chainStart = () =>
    (start ??= db.auditEvent
      .findFirst({ where: { hash: { not: null } }, orderBy: { id: 'asc' }, select: { id: true } })
      .then((first) => first?.id ?? null));
  return {
    async page(after, take) {
      const first = await chainStart();
      if (first === null) return [];
      const rows = await db.auditEvent.findMany({
        where: { id: { gt: after < first ? first - 1n : after } },
        orderBy: { id: 'asc' },
        take,
      });
      return rows.map((row) => ({
        seq: row.id,
        prevHash: row.prevHash,
        hash: row.hash,
        computed:
          row.prevHash === null ? '' : auditEventHash({ ...row, details: row.details as JsonValue }, row.prevHash),
      }));
    },
  };
}

/** A break found while walking: the record whose link or hash is wrong. */
export class ChainBroken extends Error {
  constructor(
    readonly seq: bigint,
    readonly reason: 'hash-mismatch' | 'link-mismatch',
  ) {
    super(
      `record ${seq} breaks the chain (${reason === 'hash-mismatch' ? 'its content was altered' : 'a record before it was removed or reordered'})`,
    );
  }
}

/**
 * Walks a chain in seq order after `after` (whose hash is `previous`), verifying each link as it
 * goes, in pages so memory stays bounded; throws ChainBroken at the first bad record.
 */
export async function* walkChain(
  reader: ChainReader,
  after = 0n,
  previous = genesisHash,
  pageSize = 1000,
): AsyncGenerator<{ seq: bigint; hash: string }> {
  for (;;) {
    const page = await reader.page(after, pageSize);
    if (page.length === 0) return;
    const verdict = verifyLinked(page, previous);
    if (!verdict.ok) throw new ChainBroken(verdict.brokenAt, verdict.reason);
    for (const record of page) yield { seq: record.seq, hash: record.hash as string };
    const last = page[page.length - 1]!;
    previous = last.hash as string;
    after = last.seq;
  }
}

/** What a subgraph's verify operation answers (GraphQL ChainVerification), for any trail. */
export async function verifyTrailChain(
  reader: ChainReader,
  countBefore: (seq: bigint) => Promise<number>,
): Promise<ChainVerification> {
  let records = 0;
  try {
    for await (const record of walkChain(reader)) {
      void record;
      records += 1;
    }
    return { ok: true, records, brokenAt: null, reason: null };
  } catch (error) {
    if (!(error instanceof ChainBroken)) throw error;
    return {
      ok: false,
      records: await countBefore(error.seq),
      brokenAt: error.seq.toString(),
      reason: error.reason === 'hash-mismatch' ? 'HASH_MISMATCH' : 'LINK_MISMATCH',
    };
  }
}
