// A subgraph's schema: its schema.graphql, then the schema.graphql of each
// feature module folder beside it (subgraphs/rooms/exchange/), parsed as one
// document. A feature keeps its types next to its resolvers and services; the
// gateway, the composition and the generator see one subgraph.
import fs from 'node:fs';
import path from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import type { SubgraphName } from './config';
import { repoPath } from './repo-paths';

/** Absolute paths, the subgraph's own schema first, then its modules' in name order. */
export function subgraphSchemaFiles(name: SubgraphName | string): string[] {
  const dir = repoPath('subgraphs', name);
  const modules = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(dir, entry.name, 'schema.graphql'))
    .filter((file) => fs.existsSync(file))
    .sort();
  return [path.join(dir, 'schema.graphql'), ...modules];
}

export function loadSubgraphSchema(name: SubgraphName): DocumentNode {
  return parse(
    subgraphSchemaFiles(name)
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n'),
  );
}
