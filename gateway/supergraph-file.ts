import fs from 'node:fs';
import { repoPath } from '../lib/repo-paths';
import { StartupError } from '../lib/startup-error';

export const supergraphPath = repoPath('gateway', 'supergraph.graphql');

export function readSupergraph(): string {
  if (!fs.existsSync(supergraphPath)) {
    throw new StartupError([
      `${supergraphPath} is missing: run \`npm run compose\` (npm start and npm run build do it for you)`,
    ]);
  }
  return fs.readFileSync(supergraphPath, 'utf8');
}
