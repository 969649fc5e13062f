// Where checkpoints live and how a chain is walked for them: one append-only
// file per trail (`<dir>/<trail>.checkpoints.jsonl`, a line per checkpoint,
// opened for appending only and synced before the run reports success), and
// the signing key in its own file, which no database role can read. Copies of
// the directory (a syslog forwarder, a WORM bucket, the backup) make the
// checkpoints outlive the machine; the verifier needs only the public key.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { genesisHash, verifyChain, type ChainedRecord } from './hash-chain';
import type { AccessRecordDelegate } from './access-log';
import {
  publicKeyOf,
  readCheckpoints,
  signHead,
  type ChainHead,
  type Checkpoint,
  type ReadCheckpoint,
  type Trail,
  type WalkedRecord,
} from './checkpoints';

export const checkpointFile = (dir: string, trail: Trail) => path.join(dir, `${trail}.checkpoints.jsonl`);

/** The signing key (Ed25519, PKCS#8 PEM, mode 0600), created with its public key (`.pub`) on first use. */
export function openCheckpointKey(keyFile: string): { privateKeyPem: string; publicKeyPem: string } {
  if (!fs.existsSync(keyFile)) {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    fs.writeFileSync(keyFile, pem, { mode: 0o600, flag: 'wx' });
    fs.writeFileSync(`${keyFile}.pub`, publicKeyOf(pem), { mode: 0o644 });
  }
  const privateKeyPem = fs.readFileSync(keyFile, 'utf8');
  return { privateKeyPem, publicKeyPem: publicKeyOf(privateKeyPem) };
}

export function readCheckpointFile(dir: string, trail: Trail, publicKeyPem: string): ReadCheckpoint[] {
  const file = checkpointFile(dir, trail);
  return fs.existsSync(file) ? readCheckpoints(fs.readFileSync(file, 'utf8'), trail, publicKeyPem) : [];
}

/** Appends one signed line and syncs it to disk. */
export function appendCheckpoint(dir: string, checkpoint: Checkpoint): void {
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(checkpointFile(dir, checkpoint.trail), 'a', 0o644);
  try {
    fs.writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A chain break found while walking: the record whose link or hash is wrong. */
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

/** The chain no longer agrees with its last signed checkpoint. */
export class ChainDiffers extends Error {}

/**
 * Walks a chain in seq order after `after` (whose hash is `previous`), verifying each link as it
 * goes, in pages so memory stays bounded; throws ChainBroken at the first bad record.
 */
export async function* walkChain(
  records: AccessRecordDelegate,
  after = 0n,
  previous = genesisHash,
  pageSize = 1000,
): AsyncGenerator<WalkedRecord> {
  for (;;) {
    const page: ChainedRecord[] = await records.findMany({
      where: { seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: pageSize,
    });
    if (page.length === 0) return;
    const verdict = verifyChain(page, previous);
    if (!verdict.ok) throw new ChainBroken(verdict.brokenAt, verdict.reason);
    for (const record of page) yield { seq: record.seq, hash: record.hash };
    const last = page[page.length - 1]!;
    previous = last.hash;
    after = last.seq;
  }
}

/**
 * The head to sign now: the chain walked from the last trusted checkpoint (or from the start),
 * so a head is signed only if everything since that checkpoint still links up.
 */
export async function currentHead(
  trail: Trail,
  records: AccessRecordDelegate,
  from: Checkpoint | undefined,
  now: Date,
): Promise<ChainHead> {
  let seq = from ? BigInt(from.seq) : 0n;
  let hash = from?.hash ?? genesisHash;
  let count = from?.records ?? 0;
  // The last checkpoint's record must still be the one it signed: a rewrite through it changes its hash.
  if (from && seq > 0n) {
    const [signed] = await records.findMany({ where: { seq: { gt: seq - 1n } }, orderBy: { seq: 'asc' }, take: 1 });
    if (!signed || signed.seq !== seq || signed.hash !== from.hash)
      throw new ChainDiffers(`record ${from.seq} differs from the checkpoint signed at ${from.at}`);
  }
  for await (const record of walkChain(records, seq, hash)) {
    seq = record.seq;
    hash = record.hash;
    count += 1;
  }
  return { trail, seq: seq.toString(), hash, records: count, at: now.toISOString() };
}

export { signHead };
