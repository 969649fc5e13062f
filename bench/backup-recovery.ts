// The recovery time on the benchmark's seeded network (README: "Backups and
// restore"), measured by hand:
//
//   node --import tsx bench/backup-recovery.ts
//
// Seeds a fresh database as `npm run bench` does (BENCH_* sizes), signs the
// access chains, runs the backup, then restores the archive into a new empty
// database and data directory and verifies it, printing rows, archive size
// and the seconds of each step. Everything it creates is removed at the end.
// Not a test, never part of CI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ensureInternalKeyFiles } from '../lib/access/key-files';
import { checkpointTrails } from '../lib/audit/checkpoint-runs';
import { createBackupKey } from '../lib/backup/backup-key';
import { runBackup } from '../lib/backup/backup-run';
import { dataLocations } from '../lib/backup/data-files';
import { runRestore } from '../lib/backup/restore-run';
import { loadConfig } from '../lib/config';
import { connectPostgres } from '../lib/database';
import { openAssertionKey, openExchangeKey } from '../lib/exchange/exchange-key';
import { openPartnerKeyVault } from '../lib/exchange/partner-key-vault';
import { openCertificateAuthority } from '../lib/pki/certificate-authority';
import { readBenchConfig } from './config';
import { createBenchDatabase } from './database';
import { seed } from './seed';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const bench = readBenchConfig();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-recovery-'));
  const source = await createBenchDatabase(bench.adminDatabaseUrl);
  const targetName = `${source.name}_restored`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: bench.adminDatabaseUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  const targetUrl = Object.assign(new URL(bench.adminDatabaseUrl), { pathname: `/${targetName}` }).toString();
  try {
    const client = new Client({ connectionString: source.url });
    await client.connect();
    const seeded = await seed(client, bench.sizes, () => undefined).finally(() => client.end());
    log(`seeded ${JSON.stringify(bench.sizes)} in ${seeded.seconds.toFixed(1)} s`);

    const config = (dataDir: string) => loadConfig({ DATA_DIR: dataDir, BACKUP_DIR: path.join(root, 'offsite') });
    const sourceConfig = config(path.join(root, 'source'));
    await openCertificateAuthority(sourceConfig.caDir);
    await openExchangeKey(sourceConfig.caDir);
    await openAssertionKey(sourceConfig.caDir);
    openPartnerKeyVault(sourceConfig.caDir);
    await ensureInternalKeyFiles(path.join(sourceConfig.dataDir, 'keys'));
    const db = connectPostgres(source.url, 2);
    await checkpointTrails(db.prisma, sourceConfig.auditCheckpoints, new Date()).finally(() => db.close());
    const key = createBackupKey(path.join(root, 'offline', 'backup.key'));

    const backup = await runBackup({
      databaseUrl: source.url,
      locations: dataLocations(sourceConfig),
      backupDir: sourceConfig.backup.dir,
      keep: 7,
      key,
      app: { name: 'renkei', version: 'bench' },
      toolEnv: process.env,
    });
    log(
      `backup: ${backup.tables} tables, ${backup.rows} rows, ${backup.files.length} files; archive ${(backup.bytes / 1e6).toFixed(1)} MB; ${(backup.ms / 1000).toFixed(1)} s`,
    );

    await admin(`CREATE DATABASE ${targetName} TEMPLATE template0`);
    const restoredConfig = config(path.join(root, 'restored'));
    const restore = await runRestore({
      archiveFile: backup.file,
      databaseUrl: targetUrl,
      locations: dataLocations(restoredConfig),
      key,
      toolEnv: process.env,
    });
    log(
      `restore: ${restore.tables} tables, ${restore.rows} rows, counts ${restore.countProblems.length === 0 ? 'equal' : `DIFFER: ${restore.countProblems.join('; ')}`}, chains ${(restore.trails ?? []).map((t) => (t.ok ? `${t.trail} ok (${t.records})` : `${t.trail} FAILED`)).join(', ')}; ${(restore.ms / 1000).toFixed(1)} s (verification included)`,
    );
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${targetName} WITH (FORCE)`).catch(() => undefined);
    await source.drop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
