// npm run generate: the Prisma client (generated/prisma), the supergraph
// (gateway/supergraph.graphql) and each subgraph's resolver types
// (generated/graphql/<name>-resolvers.ts, scripts/resolver-types.ts), rebuilt
// only when what they are made from changed. Their inputs (the Prisma schema
// and config, every subgraph schema, the installed prisma and GraphQL Code
// Generator versions, these scripts) are hashed into a stamp beside the Prisma
// client; a start with nothing changed skips ~10 s of generation and, with it,
// rewriting files another running copy is using. `--force` (or a missing
// output) always rebuilds.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../lib/repo-paths';
import { supergraphPath } from '../gateway/supergraph-file';
import { subgraphNames } from '../lib/config';
import { subgraphSchemaFiles } from '../lib/subgraph-schema';

const at = (...parts: string[]) => path.join(repoRoot, ...parts);
const stampPath = at('generated', '.inputs.sha256');
// As scripts/resolver-types.ts writes them.
const resolverTypeFiles = subgraphNames.map((name) => at('generated', 'graphql', `${name}-resolvers.ts`));
const outputs = [at('generated', 'prisma', 'client.ts'), supergraphPath, ...resolverTypeFiles];
const codegenPackages = ['core', 'typescript', 'typescript-resolvers'].map((plugin) =>
  at('node_modules', '@graphql-codegen', plugin, 'package.json'),
);

function inputs(): string[] {
  const subgraphSchemas = subgraphNames.flatMap((name) => subgraphSchemaFiles(name));
  return [
    at('prisma', 'schema.prisma'),
    at('prisma.config.ts'),
    at('node_modules', 'prisma', 'package.json'),
    ...codegenPackages,
    __filename,
    at('scripts', 'resolver-types.ts'),
    ...subgraphSchemas.sort(),
  ];
}

function fingerprint(): string {
  const hash = createHash('sha256');
  for (const file of inputs()) hash.update(file).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs beside what follows; resolves to the exit status. */
function start(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit' });
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (status) => resolve(status ?? 1));
  });
}

const wanted = fingerprint();
const upToDate =
  !process.argv.includes('--force') &&
  outputs.every((file) => fs.existsSync(file)) &&
  fs.existsSync(stampPath) &&
  fs.readFileSync(stampPath, 'utf8') === wanted;
if (upToDate) {
  process.stdout.write('Prisma client, supergraph and resolver types are up to date\n');
} else {
  // The resolver types need only the schemas: made while Prisma generates its client.
  const resolverTypes = start(process.execPath, ['--import', 'tsx', at('scripts', 'resolver-types.ts')]);
  run('npx', ['prisma', 'generate']);
  run(process.execPath, ['--import', 'tsx', at('scripts', 'compose-supergraph.ts')]);
  void resolverTypes.then((status) => {
    if (status !== 0) process.exit(status);
    fs.writeFileSync(stampPath, wanted);
  });
}
