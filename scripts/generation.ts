// The generated code everything else is built on: the Prisma client
// (generated/prisma), the supergraph (gateway/supergraph.graphql), each
// subgraph's resolver types (generated/graphql/<name>-resolvers.ts,
// scripts/resolver-types.ts) and the FHIR R4 definitions the validator indexes
// (generated/fhir, adapters/fhir/r4-definitions.ts). Their inputs (the Prisma
// schema and config, every subgraph schema, the installed prisma, GraphQL Code
// Generator and FHIR definitions versions, these scripts) are hashed into a
// stamp beside the Prisma client, so `npm run generate` and `npm start`
// rebuild only when something they are made from changed: a start with nothing
// changed skips ~10 s of generation, and never rewrites files another running
// copy is using.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../lib/repo-paths';
import { supergraphPath } from '../gateway/supergraph-file';
import { subgraphNames } from '../lib/config';
import { subgraphSchemaFiles } from '../lib/subgraph-schema';
import { r4DefinitionsPath, writeR4Definitions } from '../adapters/fhir/r4-definitions';

const at = (...parts: string[]) => path.join(repoRoot, ...parts);
const stampPath = at('generated', '.inputs.sha256');
const schemaEngineStandIn = at('scripts', 'no-schema-engine.sh');
// As scripts/resolver-types.ts writes them.
const resolverTypeFiles = subgraphNames.map((name) => at('generated', 'graphql', `${name}-resolvers.ts`));
const outputs = [at('generated', 'prisma', 'client.ts'), supergraphPath, ...resolverTypeFiles, r4DefinitionsPath];
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
    at('node_modules', '@medplum', 'definitions', 'package.json'),
    at('adapters', 'fhir', 'r4-definitions.ts'),
    __filename,
    at('scripts', 'generate.ts'),
    at('scripts', 'resolver-types.ts'),
    ...subgraphSchemas.sort(),
  ];
}

function fingerprint(): string {
  const hash = createHash('sha256');
  for (const file of inputs()) hash.update(file).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** Thrown when a generation step fails; its own output has already said why. */
export class GenerationFailed extends Error {}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (result.status !== 0) throw new GenerationFailed(`${command} ${args.join(' ')} exited with ${result.status ?? 1}`);
}

/** Runs beside what follows; resolves to the exit status. */
function start(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit' });
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (status) => resolve(status ?? 1));
  });
}

/** Whether every output exists and was made from the inputs as they are now (cheap: hashes a few files). */
export function generatedUpToDate(): boolean {
  return (
    outputs.every((file) => fs.existsSync(file)) &&
    fs.existsSync(stampPath) &&
    fs.readFileSync(stampPath, 'utf8') === fingerprint()
  );
}

/** Rebuilds everything, then stamps the inputs it was made from. */
export async function regenerate(): Promise<void> {
  const wanted = fingerprint();
  // The resolver types need only the schemas: made while Prisma generates its client.
  const resolverTypes = start(process.execPath, ['--import', 'tsx', at('scripts', 'resolver-types.ts')]);
  // Prisma's CLI fetches its native schema engine before any command, though `generate` never
  // runs it; the stand-in (scripts/no-schema-engine.sh) keeps generation offline.
  run('npx', ['prisma', 'generate'], { PRISMA_SCHEMA_ENGINE_BINARY: schemaEngineStandIn, ...process.env });
  run(process.execPath, ['--import', 'tsx', at('scripts', 'compose-supergraph.ts')]);
  writeR4Definitions();
  const status = await resolverTypes;
  if (status !== 0) throw new GenerationFailed(`scripts/resolver-types.ts exited with ${status}`);
  fs.writeFileSync(stampPath, wanted);
}
