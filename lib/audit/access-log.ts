// Storing a subgraph's chained access records (chain-reader.ts walks and
// verifies them, with every other trail). Appends are
// serialized per chain with a transaction-scoped advisory lock, so two
// concurrent appends cannot both link to the same previous record.
import { chainHash, genesisHash, type AccessFacts, type ChainedRecord } from './hash-chain';

/** The part of a Prisma model delegate (rooms' or consent's access_record) this module uses. */
export interface AccessRecordDelegate {
  findFirst(args: { orderBy: { seq: 'desc' }; select: { hash: true } }): Promise<{ hash: string } | null>;
  create(args: { data: AccessFacts & { prevHash: string; hash: string } }): Promise<unknown>;
  createMany(args: { data: Array<AccessFacts & { prevHash: string; hash: string }> }): Promise<unknown>;
  findMany(args: { where?: { seq?: { gt: bigint } }; orderBy: { seq: 'asc' }; take: number }): Promise<ChainedRecord[]>;
}

export interface ChainStore {
  /** A stable number naming the chain for pg_advisory_xact_lock. */
  lockKey: number;
  records: AccessRecordDelegate;
  lock(lockKey: number): Promise<unknown>;
}

/** Appends inside the caller's transaction, so the record commits (or not) with what it records. */
export async function appendAccessRecord(store: ChainStore, facts: AccessFacts): Promise<void> {
  await store.lock(store.lockKey);
  const last = await store.records.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
  const prevHash = last?.hash ?? genesisHash;
  await store.records.create({ data: { ...facts, prevHash, hash: chainHash(facts, prevHash) } });
}

/**
 * Appends several records in order with one lock, one read of the chain's
 * end and one insert (seq follows the array order: one INSERT assigns the
 * identity values in row order). For group commit (group-commit.ts).
 */
export async function appendAccessRecords(store: ChainStore, batch: readonly AccessFacts[]): Promise<void> {
  if (batch.length === 0) return;
  await store.lock(store.lockKey);
  const last = await store.records.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
  let prevHash = last?.hash ?? genesisHash;
  const rows = batch.map((facts) => {
    const row = { ...facts, prevHash, hash: chainHash(facts, prevHash) };
    prevHash = row.hash;
    return row;
  });
  await store.records.createMany({ data: rows });
}
