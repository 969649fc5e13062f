// Where checkpoints live and how a chain is walked for them: one append-only
// file per trail (`<dir>/<trail>.checkpoints.jsonl`, a line per checkpoint,
// opened for appending only and synced before the run reports success), and
// the signing key in its own file, which no database role can read. Copies of
// the directory (a syslog forwarder, a WORM bucket, the backup) make the
// checkpoints outlive the machine; the verifier needs only the public key.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { genesisHash } from './hash-chain';
import { walkChain, type ChainReader } from './chain-reader';
import {
  publicKeyOf,
  readCheckpoints,
  signHead,
  type ChainHead,
  type Checkpoint,
  type ReadCheckpoint,
  type Trail,
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

/** The chain no longer agrees with its last signed checkpoint. */
export class ChainDiffers extends Error {}

/**
 * The head to sign now: the chain walked from the last trusted checkpoint (or from the start),
 * so a head is signed only if everything since that checkpoint still links up.
 */
export async function currentHead(
  trail: Trail,
  records: ChainReader,
  from: Checkpoint | undefined,
  now: Date,
): Promise<ChainHead> {
  let seq = from ? BigInt(from.seq) : 0n;
  let hash = from?.hash ?? genesisHash;
  let count = from?.records ?? 0;
  // The last checkpoint's record must still be the one it signed: a rewrite through it changes its hash.
  if (from && seq > 0n) {
    const [signed] = await records.page(seq - 1n, 1);
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
