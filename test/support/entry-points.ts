// The processes the image can run, and what each entry point requires of its
// environment, read from its source: shared by the tests that check the
// deployment files (docker-compose.yml, deploy/k8s) against the code.
import { subgraphNames } from '../../lib/config';
import { readRepoFile } from './compose-file';

/** The processes the image can run; dist/X.js is compiled from X.ts. */
export const entryPoints = [
  'gateway/main.ts',
  ...subgraphNames.map((name) => `subgraphs/${name}/main.ts`),
  'adapters/main.ts',
  'start/all-in-one.ts',
  'scripts/init-secrets.ts',
  'scripts/bootstrap-admin.ts',
  'scripts/db-roles.ts',
];

/**
 * The variables an entry point passes to loadConfig as required, read from
 * its source (runServiceProcess('name', [...]) or, for subgraphs,
 * runSubgraphProcess, whose list is lib/subgraph-process.ts's
 * subgraphRequirements, plus REDIS_URL for a subgraph that asks for Redis).
 */
export function requiredVariables(entrySource: string): string[] {
  const listIn = (file: string): string[] | undefined => {
    const text = readRepoFile(file);
    const match =
      /runServiceProcess\(\s*(?:'[^']*'|"[^"]*"|`[^`]*`)\s*,\s*\[([^\]]*)\]/.exec(text) ??
      // One-shot scripts call loadConfig directly, with or without a list.
      /loadConfig\(process\.env(?:\s*,\s*\[([^\]]*)\])?\)/.exec(text);
    if (!match) return undefined;
    if (match[1] === undefined) return [];
    return [...(match[1] as string).matchAll(/['"]([A-Z_]+)['"]/g)].map((m) => m[1] as string);
  };
  const source = readRepoFile(entrySource);
  if (/\brunSubgraphProcess\(/.test(source)) {
    const shared = /subgraphRequirements = \[([^\]]*)\]/.exec(readRepoFile('lib/subgraph-process.ts'));
    if (!shared) throw new Error('cannot find subgraphRequirements in lib/subgraph-process.ts; update this test');
    const names = [...(shared[1] as string).matchAll(/['"]([A-Z_]+)['"]/g)].map((m) => m[1] as string);
    return /\{\s*redis:\s*true\s*\}/.test(source) ? [...names, 'REDIS_URL'] : names;
  }
  const list = listIn(entrySource);
  if (list === undefined) {
    throw new Error(
      `cannot find the required-variable list of ${entrySource} (looked for runServiceProcess('name', [...])); update requiredVariables() in this test`,
    );
  }
  return list;
}
