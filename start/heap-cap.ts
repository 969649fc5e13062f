// `npm start` runs the whole system in one process with a cap on V8's old space
// (package.json's start script, --max-old-space-size). Without it V8 sizes the
// heap to the machine, not to what the process keeps alive: on the bench's
// timeline load the process held about 145 MB of live objects but grew to a
// 706–709 MB peak; capped at 375 MB it peaked at 361–364 MB, for a few percent
// of throughput (README, Performance). The cap is given through NODE_OPTIONS,
// first, so an operator's own NODE_OPTIONS (a later --max-old-space-size) wins.
// The bench reads the cap from here to run its all-in-one child as npm start
// runs the process it stands for.
import fs from 'node:fs';
import { repoPath } from '../lib/repo-paths';

const capFlag = /--max-old-space-size=\d+/;

/** The --max-old-space-size flag in package.json's start script, or null if it sets none. */
export function startHeapCapFlag(packageJson = repoPath('package.json')): string | null {
  const scripts = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, string> }).scripts;
  return capFlag.exec(scripts?.start ?? '')?.[0] ?? null;
}

/** NODE_OPTIONS as npm start composes them: the cap first, then whatever the caller gave (which wins). */
export function withStartHeapCap(nodeOptions: string | undefined, cap = startHeapCapFlag()): string {
  return [cap, nodeOptions?.trim()].filter(Boolean).join(' ');
}
