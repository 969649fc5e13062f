// npm run generate: the generated code (scripts/generation.ts) if its inputs
// changed, or always with --force. `npm start` makes the same check itself,
// after it has locked DATA_DIR (start/all-in-one.ts).
import { GenerationFailed, generatedUpToDate, regenerate } from './generation';

async function main(): Promise<void> {
  if (!process.argv.includes('--force') && generatedUpToDate()) {
    process.stdout.write('Prisma client, supergraph and resolver types are up to date\n');
    return;
  }
  await regenerate();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof GenerationFailed ? error.message : String(error)}\n`);
  process.exit(1);
});
