// The two things an operator runs (npm run audit:checkpoint, npm run
// audit:verify), as functions the tests call too.
import fs from 'node:fs';
import { ChainBroken, walkChain } from './chain-reader';
import { sendToSyslog, syslogMessage, type SyslogTarget } from './checkpoint-syslog';
import { appendCheckpoint, ChainDiffers, currentHead, openCheckpointKey, readCheckpointFile } from './checkpoint-files';
import { trailReader, type TrailsDb } from './checkpoint-trails';
import { compareWithCheckpoints, signHead, trails, type Checkpoint, type Trail } from './checkpoints';

/** What signing needs: the trails' tables, the signing key's file and the checkpoint directory. */
export interface AuditCheckpointSettings {
  db: TrailsDb;
  keyFile: string;
  checkpointDir: string;
  /** A syslog collector that receives each signed line too (AUDIT_CHECKPOINT_SYSLOG); none: the file only. */
  syslog?: SyslogTarget | null;
}

/**
 * Why a trail was not signed: its chain no longer agrees (broken), its checkpoint file holds a line that
 * does not verify (checkpoint_file), or it was signed but the syslog collector did not take it (not_forwarded).
 */
export type CheckpointFailure = 'broken' | 'checkpoint_file' | 'not_forwarded';

export type CheckpointOutcome =
  | { trail: Trail; ok: true; checkpoint: Checkpoint }
  | { trail: Trail; ok: false; failure: CheckpointFailure; problem: string };

/**
 * Signs each trail's head and appends it, unless the chain since the last trusted checkpoint no
 * longer links up, or the checkpoint file holds a line that does not verify: then nothing is
 * signed for that trail (signing would bless the tampering) and the problem is returned.
 */
export async function checkpointTrails(
  db: TrailsDb,
  where: { keyFile: string; checkpointDir: string; syslog?: SyslogTarget | null },
  now: Date,
): Promise<CheckpointOutcome[]> {
  const key = openCheckpointKey(where.keyFile);
  const outcomes: CheckpointOutcome[] = [];
  for (const trail of trails) {
    const read = readCheckpointFile(where.checkpointDir, trail, key.publicKeyPem);
    const bad = read.find((r) => !r.ok);
    if (bad && !bad.ok) {
      outcomes.push({
        trail,
        ok: false,
        failure: 'checkpoint_file',
        problem: `checkpoint line ${bad.line}: ${bad.problem}`,
      });
      continue;
    }
    const last = read
      .flatMap((r) => (r.ok ? [r.checkpoint] : []))
      .reduce<Checkpoint | undefined>((a, c) => (!a || BigInt(c.seq) >= BigInt(a.seq) ? c : a), undefined);
    try {
      const head = await currentHead(trail, trailReader(db, trail), last, now);
      const checkpoint = signHead(head, key.privateKeyPem);
      appendCheckpoint(where.checkpointDir, checkpoint);
      // Signed and in the file either way; a collector that did not take it is the operators' to hear of.
      const forwarded = where.syslog
        ? await sendToSyslog(where.syslog, syslogMessage(checkpoint, now)).then(
            () => null,
            (error: Error) => `signed into the file, but the syslog collector did not take it (${error.message})`,
          )
        : null;
      outcomes.push(
        forwarded
          ? { trail, ok: false, failure: 'not_forwarded', problem: forwarded }
          : { trail, ok: true, checkpoint },
      );
    } catch (error) {
      if (!(error instanceof ChainBroken || error instanceof ChainDiffers)) throw error;
      outcomes.push({ trail, ok: false, failure: 'broken', problem: error.message });
    }
  }
  return outcomes;
}

export type TrailVerdict =
  | { trail: Trail; ok: true; records: number; checkpoints: number; lastSigned: string | null }
  | { trail: Trail; ok: false; problem: string };

/** Walks each trail link by link and compares it with every signed checkpoint. Needs only the public key. */
export async function verifyTrails(
  db: TrailsDb,
  where: { publicKeyFile: string; checkpointDir: string },
): Promise<TrailVerdict[]> {
  const publicKeyPem = fs.readFileSync(where.publicKeyFile, 'utf8');
  const verdicts: TrailVerdict[] = [];
  for (const trail of trails) {
    const read = readCheckpointFile(where.checkpointDir, trail, publicKeyPem);
    const bad = read.find((r) => !r.ok);
    if (bad && !bad.ok) {
      verdicts.push({ trail, ok: false, problem: `checkpoint line ${bad.line} cannot be trusted: ${bad.problem}` });
      continue;
    }
    const checkpoints = read.flatMap((r) => (r.ok ? [r.checkpoint] : []));
    try {
      const verdict = await compareWithCheckpoints(checkpoints, walkChain(trailReader(db, trail)));
      verdicts.push(
        verdict.ok
          ? {
              trail,
              ok: true,
              records: verdict.records,
              checkpoints: verdict.checkpoints,
              lastSigned: checkpoints.at(-1)?.at ?? null,
            }
          : { trail, ok: false, problem: verdict.problem },
      );
    } catch (error) {
      if (!(error instanceof ChainBroken)) throw error;
      verdicts.push({ trail, ok: false, problem: error.message });
    }
  }
  return verdicts;
}
