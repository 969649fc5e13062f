// npm run audit:checkpoint [-- --key <file> --dir <dir>]
//
// Signs the head of each access chain (rooms, consent) and appends it to its
// checkpoint file (lib/audit/checkpoints.ts says why). Run it on demand and
// at intervals (the README's Operations section: a systemd timer or cron
// every five minutes); the key stays on this machine, out of the database.
import { StartupError } from '../lib/startup-error';
import { checkpointTrails } from '../lib/audit/checkpoint-runs';
import { auditOptions, openAuditDatabase } from './audit-options';

async function main(): Promise<void> {
  const options = auditOptions(process.argv.slice(2));
  const { db, close } = await openAuditDatabase();
  try {
    const outcomes = await checkpointTrails(db.prisma, options, new Date());
    for (const outcome of outcomes)
      process.stdout.write(
        outcome.ok
          ? `${outcome.trail}: signed seq ${outcome.checkpoint.seq} (${outcome.checkpoint.records} records) into ${options.checkpointDir}\n`
          : `${outcome.trail}: NOT signed: ${outcome.problem}\n`,
      );
    if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError)
    process.stderr.write(`audit:checkpoint cannot run:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  else process.stderr.write(`audit:checkpoint failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
