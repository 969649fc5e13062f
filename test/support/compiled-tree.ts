// The code the process tests start, compiled once per jest run. The production images run
// compiled JavaScript (`node dist/gateway/main.js`, the Dockerfile); `npm start` runs the
// sources through tsx, which transpiles and resolves every module on its own hooks. Measured on
// the 2-core CI machine, a subgraph's entry refusing a bad DATABASE_URL took 2.3 CPU-s through
// tsx and 0.75 as compiled JavaScript, and the process tests start about fifty processes a run.
// So the global set-up transpiles the product's code (not the test files) with SWC, as jest does
// (test/swc-options.js), into dist/tests/<run id>/, and test/support/spawn-service.ts starts
// entries from there; the tests of `npm start` itself keep tsx. The tree lies under the
// repository's root, so lib/repo-paths.ts finds the migrations, schemas and console as from dist/.
import fs from 'node:fs';
import path from 'node:path';
import { transformFileSync } from '@swc/core';
import { repoPath } from '../../lib/repo-paths';
import { runId } from './environment';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module shared with jest.config.js
const swcOptions = require('../swc-options.js') as object;

/**
 * What entry points can load: the product's code, and the test support (the outbound fault tests
 * start a worker of their own, test/support/mock-partner-worker.ts). Not the test files, the
 * console (a browser app) or the bench.
 */
const compiledDirectories = [
  'lib',
  'gateway',
  'subgraphs',
  'adapters',
  'start',
  'scripts',
  'generated',
  'test/support',
];

/** Where this run's compiled tree is. */
export const compiledTreeDir = repoPath('dist', 'tests', runId);

/** The compiled file of a repository-relative .ts entry, as spawn-service starts it. */
export function compiledEntry(entry: string): string {
  if (!entry.endsWith('.ts')) throw new Error(`${entry}: an entry is a .ts file of the repository`);
  const compiled = path.join(compiledTreeDir, `${entry.slice(0, -'.ts'.length)}.js`);
  if (!fs.existsSync(compiled))
    throw new Error(`${entry} is not in this run's compiled tree (${compiledTreeDir}): the global set-up builds it`);
  return compiled;
}

/** Transpiles the product's .ts files into compiledTreeDir (the global set-up; 0.6 CPU-s here). */
export function buildCompiledTree(): void {
  fs.rmSync(compiledTreeDir, { recursive: true, force: true });
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(repoPath(relative), { withFileTypes: true })) {
      const file = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts')) {
        const target = path.join(compiledTreeDir, `${file.slice(0, -'.ts'.length)}.js`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, transformFileSync(repoPath(file), { ...swcOptions, swcrc: false }).code);
      }
    }
  };
  for (const dir of compiledDirectories) walk(dir);
}

/** Removes this run's tree (the global teardown), and dist/tests itself once no run is left in it. */
export function removeCompiledTree(): void {
  fs.rmSync(compiledTreeDir, { recursive: true, force: true });
  try {
    fs.rmdirSync(path.dirname(compiledTreeDir));
  } catch {
    // another run's tree is still there
  }
}
