// npm run audit:verify [-- --public-key <file> --dir <dir>]
//
// Checks each access chain (rooms, consent) link by link and against every
// signed checkpoint; names the first record that differs. Needs only the
// checkpoints' public key. Exit code 1 when a trail does not verify.
import fs from 'node:fs';
import { StartupError } from '../lib/startup-error';
import { verifyTrails } from '../lib/audit/checkpoint-runs';
import { auditOptions, openAuditDatabase } from './audit-options';

async function main(): Promise<void> {
  const options = auditOptions(process.argv.slice(2));
  if (!fs.existsSync(options.publicKeyFile))
    throw new StartupError([
      `no checkpoint public key at ${options.publicKeyFile}: run npm run audit:checkpoint first, or pass --public-key <file>`,
    ]);
  const { db, close } = await openAuditDatabase();
  try {
    const verdicts = await verifyTrails(db.prisma, options);
    for (const v of verdicts)
      process.stdout.write(
        v.ok
          ? `${v.trail}: intact, ${v.records} records, agrees with ${v.checkpoints} signed checkpoint${v.checkpoints === 1 ? '' : 's'}${v.lastSigned ? ` (last signed at ${v.lastSigned})` : ' (none signed yet)'}\n`
          : `${v.trail}: DOES NOT VERIFY: ${v.problem}\n`,
      );
    if (verdicts.some((v) => !v.ok)) process.exitCode = 1;
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError)
    process.stderr.write(`audit:verify cannot run:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  else process.stderr.write(`audit:verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
