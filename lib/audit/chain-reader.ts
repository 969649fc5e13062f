// One way to walk any of the hash-chained trails (rooms' and consent's
// access records, identity's audit events), whatever its row shape: a reader
// gives pages of records in seq order, each with the hash recomputed from its
// content. The checkpoints (checkpoint-files.ts) and the graph's verification
// walk every trail through it.
import { genesisHash, type ChainVerdict } from './hash-chain';
import type { ChainVerification } from './access-log';

export interface LinkedRecord {
  seq: bigint;
  /** The link the record stores (null for a record that carries none: always a break). */
  prevHash: string | null;
  /** The hash the record stores. */
  hash: string | null;
  /** Its hash recomputed now from its content and its stored link. */
  computed: string;
}

export interface ChainReader {
  /** Up to `take` records with seq > after, in seq order. */
  page(after: bigint, take: number): Promise<LinkedRecord[]>;
}

/** Verifies a page of records, the first linking to `previous`. */
export function verifyLinked(records: readonly LinkedRecord[], previous = genesisHash): ChainVerdict {
  let expected = previous;
  for (const record of records) {
    if (record.prevHash !== expected) return { ok: false, brokenAt: record.seq, reason: 'link-mismatch' };
    if (record.hash !== record.computed) return { ok: false, brokenAt: record.seq, reason: 'hash-mismatch' };
    expected = record.hash;
  }
  return { ok: true, records: records.length };
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
