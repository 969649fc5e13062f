// Which Renkei this is: the name and version in package.json, read once.
// Every log line carries the version (an operator comparing replicas during
// a rolling update needs to know which one wrote it), and a backup's manifest
// records the version it came from.
import fs from 'node:fs';
import { repoPath } from './repo-paths';

export interface Release {
  name: string;
  version: string;
}

export const release: Release = (() => {
  const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as Partial<Release>;
  return { name: String(pkg.name ?? 'renkei'), version: String(pkg.version ?? '0.0.0') };
})();
