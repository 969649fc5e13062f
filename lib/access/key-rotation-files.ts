// The files of a key that rotates: the current one (`name.key`), a staged
// next one (`name.next.key`) and the previous one kept for the window
// (`name.previous.key`), side by side in one directory. Every write goes to
// a temporary file renamed over the target, so a process that re-reads a
// file (SIGHUP) sees the old or the new content, never half of it; mounts
// of the whole directory (docker-compose's secrets volume, a Kubernetes
// Secret volume) see renames.
import fs from 'node:fs';
import path from 'node:path';
import type { RotationState } from './key-ring';

/** A rotation step that would break a running system; `problem` says why (for the operator). */
export class RotationRefused extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'RotationRefused';
  }
}

export interface RotatingKeyFiles {
  current: string;
  next: string;
  previous: string;
}

/** The three files of the key at `current` (…/name.key → name.next.key, name.previous.key). */
export function rotatingKeyFiles(current: string): RotatingKeyFiles {
  const ext = path.extname(current);
  const base = current.slice(0, current.length - ext.length);
  return { current, next: `${base}.next${ext}`, previous: `${base}.previous${ext}` };
}

export function rotationStateOf(files: RotatingKeyFiles, now: Date): RotationState {
  const hasPrevious = fs.existsSync(files.previous);
  return {
    hasNext: fs.existsSync(files.next),
    hasPrevious,
    // The previous file is written when the signer switches: its age is the time since then.
    secondsSincePromotion: hasPrevious
      ? (now.getTime() - fs.statSync(files.previous).mtime.getTime()) / 1000
      : undefined,
  };
}

/** Replaces file's content at once (write beside it, then rename), keeping the given mode. */
export function writeFileAtomically(file: string, content: string, mode: number): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, content, { mode });
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
}

/** next becomes current; the current key is kept as previous (written now: the window starts). */
export function promoteKeyFile(files: RotatingKeyFiles): void {
  writeFileAtomically(files.previous, fs.readFileSync(files.current, 'utf8'), 0o600);
  fs.renameSync(files.next, files.current);
}
