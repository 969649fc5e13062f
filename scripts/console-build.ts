// Builds the web console (console/) into dist/console, which the gateway
// serves at / (gateway/console.ts):
//
// 1. its GraphQL documents (console/src/**/*.graphql, one beside each screen) are validated
//    against the API schema composed from the subgraphs and typed with
//    GraphQL Code Generator (typescript-operations and typed-document-node)
//    into generated/console/operations.ts: a field the graph does not have,
//    or a wrong variable, fails the build and the type check;
// 2. the same documents become dist/console/persisted-operations.json, in
//    the manifest format PERSISTED_OPERATIONS_FILE reads, so a gateway that
//    enforces its manifest still serves the console and nothing else;
// 3. Vite bundles the app; every asset is a local file (no CDN).
//
// Skipped when nothing it is made from changed (a stamp of its inputs, as
// scripts/generation.ts does for the server's generated code), so `npm start`
// pays for it only after an edit. `--force` rebuilds.
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, printSchema, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { builtConsoleDir } from '../gateway/console';
import { operationId } from '../gateway/persisted-operations';
import { repoRoot } from '../lib/repo-paths';
import { subgraphNames } from '../lib/config';
import { subgraphSchemaFiles } from '../lib/subgraph-schema';

const at = (...parts: string[]) => path.join(repoRoot, ...parts);
export const consoleSourceDir = at('console');
const consoleOutDir = builtConsoleDir;
const typesPath = at('generated', 'console', 'operations.ts');
const stampPath = path.join(consoleOutDir, '.inputs.sha256');

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function fingerprint(): string {
  const inputs = [
    ...filesUnder(consoleSourceDir),
    ...subgraphNames.flatMap((name) => subgraphSchemaFiles(name)),
    __filename,
    ...['vite', 'react', 'react-dom', '@graphql-codegen/typescript-operations'].map((pkg) =>
      at('node_modules', pkg, 'package.json'),
    ),
  ].sort();
  const hash = createHash('sha256');
  for (const file of inputs) hash.update(file).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export function consoleUpToDate(): boolean {
  return (
    fs.existsSync(path.join(consoleOutDir, 'index.html')) &&
    fs.existsSync(typesPath) &&
    fs.existsSync(stampPath) &&
    fs.readFileSync(stampPath, 'utf8') === fingerprint()
  );
}

/** Every .graphql file under console/src, as one document: operation names are unique across them all. */
function consoleDocuments(): DocumentNode {
  const files = filesUnder(path.join(consoleSourceDir, 'src'))
    .filter((file) => file.endsWith('.graphql'))
    .sort();
  return {
    kind: Kind.DOCUMENT,
    definitions: files.flatMap((file) => parse(fs.readFileSync(file, 'utf8')).definitions),
  };
}

/** The console's operations, each as the exact text the console sends (and the manifest lists). */
function operationsOf(document: DocumentNode): Array<{ name: string; type: string; body: string }> {
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => {
      if (!d.name) throw new Error('every console operation needs a name');
      return { name: d.name.value, type: d.operation, body: print(d) };
    });
}

async function writeTypes(document: DocumentNode): Promise<void> {
  // Loaded here, not with this module: `npm start` imports it to check the stamp, and needs these only to build.
  const [{ codegen }, typedDocumentNodePlugin, operationsPlugin, { composeApiSchema }] = await Promise.all([
    import('@graphql-codegen/core'),
    import('@graphql-codegen/typed-document-node'),
    import('@graphql-codegen/typescript-operations'),
    import('../gateway/compose.js'),
  ]);
  const schema = composeApiSchema();
  const problems = validate(schema, document);
  if (problems.length > 0)
    throw new Error(`the console's operations:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
  const output = await codegen({
    filename: typesPath,
    schema: parse(printSchema(schema)),
    documents: [{ location: 'console/src/**/*.graphql', document }],
    config: {
      enumsAsTypes: true,
      avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown' },
      useTypeImports: true,
    },
    // typescript-operations 6 writes the schema types the operations use (enums, inputs) itself.
    plugins: [{ typescriptOperations: {} }, { typedDocumentNode: {} }],
    pluginMap: {
      typescriptOperations: operationsPlugin,
      typedDocumentNode: typedDocumentNodePlugin,
    },
  });
  fs.mkdirSync(path.dirname(typesPath), { recursive: true });
  fs.writeFileSync(
    typesPath,
    `// Generated by scripts/console-build.ts from console/src/**/*.graphql. Do not edit.\n${output}`,
  );
}

/** Issue 13: the console's first load stays within 300 kB of compressed JavaScript. */
const firstLoadBudgetBytes = 300_000;

/** The built JavaScript's size gzip-compressed, the measure the budget is stated in. */
function firstLoadBytes(): number {
  const assets = path.join(consoleOutDir, 'assets');
  return fs
    .readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .reduce((sum, name) => sum + gzipSync(fs.readFileSync(path.join(assets, name)), { level: 9 }).length, 0);
}

export async function buildConsole(): Promise<void> {
  const wanted = fingerprint();
  const document = consoleDocuments();
  await writeTypes(document);
  // Vite is an ES module; this script runs as CommonJS under tsx.
  const { build } = await import('vite');
  await build({
    root: consoleSourceDir,
    logLevel: 'warn',
    configFile: false,
    oxc: { jsx: { runtime: 'automatic' } },
    // Vite warns about raw chunk size; the budget that matters is the compressed first load, checked below.
    build: {
      outDir: consoleOutDir,
      emptyOutDir: true,
      sourcemap: false,
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 2_000,
    },
  });
  const compressed = firstLoadBytes();
  if (compressed > firstLoadBudgetBytes)
    throw new Error(
      `the console's first load is ${Math.round(compressed / 1000)} kB of compressed JavaScript, over its budget of ${firstLoadBudgetBytes / 1000} kB (issue 13)`,
    );
  const manifest = {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operationsOf(document).map((op) => ({ id: operationId(op.body), ...op })),
  };
  fs.writeFileSync(path.join(consoleOutDir, 'persisted-operations.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(stampPath, wanted);
}

async function main(): Promise<void> {
  if (!process.argv.includes('--force') && consoleUpToDate()) {
    process.stdout.write('The console is up to date\n');
    return;
  }
  await buildConsole();
  process.stdout.write(`Built the console into ${path.relative(repoRoot, consoleOutDir)}\n`);
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
