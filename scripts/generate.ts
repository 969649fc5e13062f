// npm run generate: the generated code (scripts/generation.ts) and the web
// console (scripts/console-build.ts), each only if its inputs changed, or
// always with --force. `npm start` makes the same checks itself, after it
// has locked DATA_DIR (start/all-in-one.ts).
import { buildConsole, consoleUpToDate } from './console-build';
import { GenerationFailed, generatedUpToDate, regenerate } from './generation';

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  if (!force && generatedUpToDate()) {
    process.stdout.write('Prisma client, supergraph and resolver types are up to date\n');
  } else {
    await regenerate();
  }
  // After the server's generation: the console's documents are checked against the subgraphs' schemas.
  if (!force && consoleUpToDate()) {
    process.stdout.write('The web console is up to date\n');
  } else {
    await buildConsole();
    process.stdout.write('Built the web console into dist/console\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof GenerationFailed || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
