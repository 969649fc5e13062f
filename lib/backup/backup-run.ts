// npm run backup, as a function the drill calls too. The order matters:
//  1. the files are read first, the checkpoint files among them, so every
//     checkpoint in the archive covers records the dump (taken after) holds;
//  2. one REPEATABLE READ transaction exports its snapshot: the row counts
//     and pg_dump (--snapshot) see exactly the same database;
//  3. the archive is written to a .partial file, synced and renamed, with a
//     sha256sum-style .sha256 beside it (checkable off-site without the key);
//  4. only then are old generations pruned, down to BACKUP_KEEP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { sealArchive, type NewMember } from './archive-format';
import type { BackupKey } from './backup-key';
import { collectDataFiles, type DataLocations } from './data-files';
import { appliedMigrations, serverVersion, tableCounts } from './database-facts';
import { archiveFileName, generationsToPrune } from './generations';
import { manifestFormat, sha256 } from './manifest';
import { pgDump, pgDumpVersion } from './pg-tools';

export interface BackupSettings {
  databaseUrl: string;
  locations: DataLocations;
  backupDir: string;
  keep: number;
  key: BackupKey;
  app: { name: string; version: string };
  /** The environment pg_dump runs with (PATH, locale); the entry point's. */
  toolEnv: NodeJS.ProcessEnv;
  now?: () => Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  sha256: string;
  tables: number;
  rows: number;
  files: string[];
  pruned: string[];
  ms: number;
}

export async function runBackup(settings: BackupSettings): Promise<BackupResult> {
  const started = Date.now();
  const now = settings.now?.() ?? new Date();
  const fileMembers = collectDataFiles(settings.locations);
  const pgDumpVersionText = await pgDumpVersion(settings.toolEnv);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-backup-'));
  const client = new Client({ connectionString: settings.databaseUrl });
  let dump: Buffer;
  let tables: Record<string, number>;
  let migrations: string[];
  let version: string;
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    tables = await tableCounts(client);
    migrations = await appliedMigrations(client);
    version = await serverVersion(client);
    const dumpFile = path.join(work, 'database.dump');
    await pgDump(settings.databaseUrl, snapshot, dumpFile, settings.toolEnv);
    await client.query('COMMIT');
    dump = fs.readFileSync(dumpFile);
  } finally {
    await client.end().catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }

  const members: NewMember[] = [{ name: 'database.dump', bytes: dump, mode: 0o600 }, ...fileMembers];
  const archive = sealArchive(
    settings.key,
    {
      format: manifestFormat,
      createdAt: now.toISOString(),
      app: settings.app,
      database: { serverVersion: version, pgDumpVersion: pgDumpVersionText, migrations, tables },
    },
    members,
  );

  fs.mkdirSync(settings.backupDir, { recursive: true, mode: 0o700 });
  const name = archiveFileName(now);
  const file = path.join(settings.backupDir, name);
  const digest = sha256(archive);
  writeSynced(`${file}.partial`, archive);
  fs.renameSync(`${file}.partial`, file);
  writeSynced(`${file}.sha256`, Buffer.from(`${digest}  ${name}\n`));
  syncDirectory(settings.backupDir);

  const pruned = generationsToPrune(fs.readdirSync(settings.backupDir), settings.keep);
  for (const old of pruned) {
    fs.rmSync(path.join(settings.backupDir, old), { force: true });
    fs.rmSync(path.join(settings.backupDir, `${old}.sha256`), { force: true });
  }
  return {
    file,
    bytes: archive.length,
    sha256: digest,
    tables: Object.keys(tables).length,
    rows: Object.values(tables).reduce((a, b) => a + b, 0),
    files: fileMembers.map((m) => m.name),
    pruned,
    ms: Date.now() - started,
  };
}

function writeSynced(file: string, bytes: Buffer): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
