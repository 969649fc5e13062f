// npm run restore -- <archive>
// npm run restore -- --check <archive>   (opens and checks it with the key; writes nothing)
//
// Brings an archive of `npm run backup` back into an empty database
// (DATABASE_URL) and empty data directories (CA_DIR, the key files, the
// checkpoint directory, as configured here), then verifies the row counts
// and the access chains against the signed checkpoints. A damaged or foreign
// archive, a database with tables or a directory with files is refused before
// anything is written. Exit code 1 on a refusal or a failed verification.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { StartupError } from '../lib/startup-error';
import { BackupError } from '../lib/backup/backup-error';
import { readBackupKey } from '../lib/backup/backup-key';
import { dataLocations } from '../lib/backup/data-files';
import { checkArchive, runRestore, type RestoreSummary } from '../lib/backup/restore-run';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { check: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new StartupError(['usage: npm run restore -- [--check] <archive file>']);
  const config = loadConfig(process.env);
  if (values.check) {
    const { manifest, members } = checkArchive(path.resolve(positionals[0]!), readBackupKey(config.backup.keyFile));
    const rows = Object.values(manifest.database.tables).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Archive intact: made ${manifest.createdAt} by Renkei ${manifest.app.version} (PostgreSQL ${manifest.database.serverVersion}); ` +
        `${Object.keys(manifest.database.tables).length} tables, ${rows} rows, ${manifest.database.migrations.length} migrations; ` +
        `${members.size - 1} files (${[...members.keys()].filter((n) => n !== 'database.dump').join(', ')}). Nothing was written.\n`,
    );
    return;
  }
  if (!config.databaseUrl)
    throw new BackupError(
      'EMBEDDED_DATABASE',
      'restore needs a PostgreSQL server (DATABASE_URL) holding a newly created, empty database; the embedded database of npm start is not supported',
    );
  const summary = await runRestore({
    archiveFile: path.resolve(positionals[0]!),
    databaseUrl: config.databaseUrl,
    locations: dataLocations(config),
    key: readBackupKey(config.backup.keyFile),
    toolEnv: process.env,
  });
  process.stdout.write(report(summary));
  if (!summary.ok) process.exitCode = 1;
}

function report(s: RestoreSummary): string {
  const lines = [
    `Restored the archive of ${s.manifest.createdAt} (Renkei ${s.manifest.app.version}, PostgreSQL ${s.manifest.database.serverVersion})`,
    `  database: ${s.tables} tables, ${s.rows} rows${s.countProblems.length === 0 ? ', every count as in the archive' : ''}`,
    ...s.countProblems.map((p) => `  COUNT DIFFERS: ${p}`),
    `  files: ${s.files.length} written (keys 0600)`,
  ];
  if (s.trails === null)
    lines.push('  chains: the archive holds no checkpoint key, so the chains were not checked against checkpoints');
  else
    for (const v of s.trails)
      lines.push(
        v.ok
          ? `  ${v.trail}: intact, ${v.records} records, agrees with ${v.checkpoints} signed checkpoint${v.checkpoints === 1 ? '' : 's'}`
          : `  ${v.trail}: DOES NOT VERIFY: ${v.problem}`,
      );
  lines.push(
    s.relayedAgain === null
      ? '  jobs: the archive predates the outboxes’ processed marks, so jobs that were queued and not done are not run again'
      : `  jobs: ${s.relayedAgain} event${s.relayedAgain === 1 ? '' : 's'} whose jobs had not finished will be relayed again when the worker starts`,
  );
  if (s.pendingMigrations.length > 0)
    lines.push(`  migrations this version adds (run npm run migrate): ${s.pendingMigrations.join(', ')}`);
  lines.push(`  ${s.ok ? 'verified' : 'VERIFICATION FAILED'} in ${(s.ms / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

main().catch((error: unknown) => {
  if (error instanceof BackupError)
    process.stderr.write(`restore refused [${error.code}]: ${error.message}\nNothing was restored.\n`);
  else if (error instanceof StartupError)
    process.stderr.write(`restore cannot run:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  else process.stderr.write(`restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
