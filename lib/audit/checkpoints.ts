// Signed checkpoints of the access chains (issue 14, part 2). A chain alone
// proves only that its records link up: a role that can write the table can
// rewrite a record and recompute every hash after it, and the chain still
// verifies. A checkpoint is the chain's head (last seq, its hash, how many
// records) signed with an Ed25519 key the database never sees, appended to a
// file outside the database. A rewritten-and-rehashed chain then no longer
// has the signed hash at the checkpoint's seq, and the verifier says so.
//
// Pure: signing, reading a line back, and comparing a chain walk with the
// checkpoints; the files and the database are the caller's
// (scripts/audit-checkpoint.ts, scripts/audit-verify.ts).
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const trails = ['rooms', 'consent', 'identity'] as const;
export type Trail = (typeof trails)[number];

/** What is signed: the head of one trail's chain at one moment. */
export interface ChainHead {
  trail: Trail;
  /** The last record's seq (a bigint, as a decimal string); "0" for an empty chain. */
  seq: string;
  /** The last record's hash (the genesis hash for an empty chain). */
  hash: string;
  /** How many records the chain holds up to and including seq. */
  records: number;
  /** When the head was read (ISO 8601). */
  at: string;
}

export interface Checkpoint extends ChainHead {
  /** Ed25519 over canonical(head), base64url. */
  signature: string;
}

/** The signed bytes: the head's fields in a fixed order, so a reordered JSON line still verifies. */
function canonical(head: ChainHead): Buffer {
  return Buffer.from(JSON.stringify([head.trail, head.seq, head.hash, head.records, head.at]), 'utf8');
}

export function signHead(head: ChainHead, privateKeyPem: string): Checkpoint {
  const key = createPrivateKey(privateKeyPem);
  return { ...head, signature: sign(null, canonical(head), key).toString('base64url') };
}

export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

/** One line of a checkpoint file: the checkpoint, or why it cannot be trusted. */
export type ReadCheckpoint = { ok: true; checkpoint: Checkpoint } | { ok: false; line: number; problem: string };

/** Reads a checkpoint file's lines, checking each signature with the public key. */
export function readCheckpoints(text: string, trail: Trail, publicKey: KeyObject | string): ReadCheckpoint[] {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }): ReadCheckpoint => {
      let parsed: Checkpoint;
      try {
        parsed = JSON.parse(line) as Checkpoint;
      } catch {
        return { ok: false, line: number, problem: 'not JSON' };
      }
      const wellFormed =
        parsed.trail === trail &&
        /^\d+$/.test(String(parsed.seq)) &&
        typeof parsed.hash === 'string' &&
        Number.isInteger(parsed.records) &&
        typeof parsed.at === 'string' &&
        typeof parsed.signature === 'string';
      if (!wellFormed) return { ok: false, line: number, problem: `not a checkpoint of the ${trail} trail` };
      const signed = verify(null, canonical(parsed), key, Buffer.from(parsed.signature, 'base64url'));
      return signed
        ? { ok: true, checkpoint: parsed }
        : { ok: false, line: number, problem: 'the signature does not match (another key, or an altered line)' };
    });
}

/** One record of a chain as the verifier walks it. */
export interface WalkedRecord {
  seq: bigint;
  hash: string;
}

export type CheckpointVerdict =
  | { ok: true; checkpoints: number; records: number }
  | {
      ok: false;
      /** The first checkpoint the database no longer agrees with. */
      checkpoint: Checkpoint;
      /** What differs, in words that name the record. */
      problem: string;
    };

/**
 * Compares a chain (already verified link by link, walked in seq order) with its checkpoints in
 * seq order: at each checkpoint's seq the record must be there with the signed hash, and the chain
 * must hold the signed number of records up to it. The first disagreement names the checkpoint
 * and the record: everything up to the previous agreeing checkpoint is as it was signed.
 */
export async function compareWithCheckpoints(
  checkpoints: readonly Checkpoint[],
  walk: AsyncIterable<WalkedRecord>,
): Promise<CheckpointVerdict> {
  const ordered = [...checkpoints].sort((a, b) =>
    BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0,
  );
  let next = 0;
  let count = 0;
  let previousAgreed = '0';
  const differs = (checkpoint: Checkpoint, problem: string): CheckpointVerdict => ({
    ok: false,
    checkpoint,
    problem: `${problem} (the chain agrees with the checkpoints up to seq ${previousAgreed})`,
  });
  // Checkpoints of an empty chain have nothing to compare.
  while (next < ordered.length && ordered[next]!.seq === '0') next += 1;
  for await (const record of walk) {
    count += 1;
    while (next < ordered.length && BigInt(ordered[next]!.seq) < record.seq) {
      const missing = ordered[next]!;
      return differs(missing, `record ${missing.seq}, signed at ${missing.at}, is missing`);
    }
    // Several checkpoints may sign the same head (nothing was recorded between two runs).
    while (next < ordered.length && BigInt(ordered[next]!.seq) === record.seq) {
      const checkpoint = ordered[next]!;
      if (record.hash !== checkpoint.hash)
        return differs(checkpoint, `record ${record.seq} differs from the checkpoint signed at ${checkpoint.at}`);
      if (count !== checkpoint.records)
        return differs(
          checkpoint,
          `the chain holds ${count} records up to ${record.seq}, the checkpoint signed at ${checkpoint.at} ${checkpoint.records}`,
        );
      previousAgreed = checkpoint.seq;
      next += 1;
    }
  }
  if (next < ordered.length) {
    const missing = ordered[next]!;
    return differs(missing, `record ${missing.seq}, signed at ${missing.at}, is missing (the chain ends before it)`);
  }
  return { ok: true, checkpoints: ordered.length, records: count };
}
