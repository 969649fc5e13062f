// Files that ship with the code (migrations, GraphQL schemas, the composed
// supergraph) are found relative to the repository root, which works the
// same from the TypeScript sources and from the compiled dist/ tree.
import fs from 'node:fs';
import path from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  // dist/ holds compiled code but no package.json; the sources' root is above it.
  return dir;
}

export const repoRoot = findRoot(__dirname);

export function repoPath(...segments: string[]): string {
  return path.join(repoRoot, ...segments);
}
