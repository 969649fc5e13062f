// npm run backup [-- --create-key]
//
// Writes one encrypted, checksummed archive of this installation into
// BACKUP_DIR (lib/backup/backup-run.ts says what is in it and in which
// order), then keeps the newest BACKUP_KEEP. `--create-key` makes the backup
// key (BACKUP_KEY_FILE) once and does nothing else: keep an offline copy of it.
// Exit code 1 on any refusal, with the reason.
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { release } from '../lib/release';
import { StartupError } from '../lib/startup-error';
import { BackupError } from '../lib/backup/backup-error';
import { createBackupKey, readBackupKey } from '../lib/backup/backup-key';
import { runBackup } from '../lib/backup/backup-run';
import { dataLocations } from '../lib/backup/data-files';

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'create-key': { type: 'boolean' } } });
  const config = loadConfig(process.env);
  if (values['create-key']) {
    const key = createBackupKey(config.backup.keyFile);
    process.stdout.write(
      `Backup key created: ${config.backup.keyFile} (key id ${key.keyId}).\n` +
        'Copy it off this machine now (an offline copy, kept apart from the archives): without it no archive can be restored.\n',
    );
    return;
  }
  if (!config.databaseUrl)
    throw new BackupError(
      'EMBEDDED_DATABASE',
      'backup needs a PostgreSQL server (DATABASE_URL); the embedded database of npm start is not supported: stop npm start and copy its DATA_DIR instead',
    );
  const key = readBackupKey(config.backup.keyFile);
  const result = await runBackup({
    databaseUrl: config.databaseUrl,
    locations: dataLocations(config),
    backupDir: config.backup.dir,
    keep: config.backup.keep,
    key,
    app: release,
    toolEnv: process.env,
  });
  process.stdout.write(
    [
      `Backup written: ${result.file}`,
      `  ${result.bytes} bytes, SHA-256 ${result.sha256} (also in ${result.file}.sha256)`,
      `  database: ${result.tables} tables, ${result.rows} rows; files: ${result.files.length} (${result.files.join(', ')})`,
      `  key id ${key.keyId}; ${(result.ms / 1000).toFixed(1)} s`,
      result.pruned.length > 0
        ? `  pruned (keeping the newest ${config.backup.keep}): ${result.pruned.join(', ')}`
        : `  nothing pruned (keeping the newest ${config.backup.keep})`,
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  if (error instanceof BackupError) process.stderr.write(`backup refused [${error.code}]: ${error.message}\n`);
  else if (error instanceof StartupError)
    process.stderr.write(`backup cannot run:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  else process.stderr.write(`backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
