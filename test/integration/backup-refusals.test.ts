// Refusals of `npm run backup` and `npm run restore` beyond the drill's
// (test/e2e/backup-restore-drill.test.ts: damaged, foreign, non-empty), each
// against real PostgreSQL and real directories, each leaving nothing behind:
// no CA to back up, no pg_dump, the embedded database, a missing archive, an
// archive from a newer version, and a dump pg_restore cannot load (one
// transaction: the database stays empty and no file is written). Beside them,
// an archive older than the outboxes' processed marks: restored, with nothing
// relayed again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { sealArchive } from '../../lib/backup/archive-format';
import { BackupError, type BackupErrorCode } from '../../lib/backup/backup-error';
import { backupKeyOf } from '../../lib/backup/backup-key';
import { runBackup } from '../../lib/backup/backup-run';
import { dataLocations, type DataLocations } from '../../lib/backup/data-files';
import { tableCounts } from '../../lib/backup/database-facts';
import { manifestFormat } from '../../lib/backup/manifest';
import { runRestore } from '../../lib/backup/restore-run';
import { loadConfig } from '../../lib/config';
import { readMigrations } from '../../lib/migrations';
import { createEmptyDatabase } from '../support/installation';
import { minimalEnv, runToExit } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const key = backupKeyOf(Buffer.alloc(32, 3));

async function refusal(run: Promise<unknown>): Promise<{ code: BackupErrorCode; message: string }> {
  try {
    await run;
  } catch (error) {
    if (error instanceof BackupError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

function filesUnder(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).sort() : [];
}

async function countsOf(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await tableCounts(client);
  } finally {
    await client.end();
  }
}

/** An archive under `key` whose dump is `dump` and whose manifest lists `migrations`. */
function archiveWith(file: string, dump: Buffer, migrations: string[]): string {
  fs.writeFileSync(
    file,
    sealArchive(
      key,
      {
        format: manifestFormat,
        createdAt: new Date().toISOString(),
        app: { name: 'renkei', version: '9.9.9' },
        database: { serverVersion: '15', pgDumpVersion: 'pg_dump 15', migrations, tables: {} },
      },
      [
        { name: 'database.dump', bytes: dump, mode: 0o600 },
        { name: 'files/ca/ca.crt', bytes: Buffer.from('certificate'), mode: 0o644 },
        { name: 'files/ca/ca.key', bytes: Buffer.from('key'), mode: 0o600 },
      ],
    ),
  );
  return file;
}

describe('backup and restore refusals', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-backup-refusals-'));
  const locationsIn = (dataDir: string): DataLocations => dataLocations(loadConfig({ DATA_DIR: dataDir }));
  let source: TestDatabase;
  let empty: TestDatabase;

  beforeAll(async () => {
    source = await createTestDatabase();
    empty = await createEmptyDatabase();
  });
  afterAll(async () => {
    await source?.drop();
    await empty?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const backup = (dataDir: string, toolEnv: NodeJS.ProcessEnv = process.env) =>
    runBackup({
      databaseUrl: source.url,
      locations: locationsIn(dataDir),
      backupDir: path.join(root, 'archives'),
      keep: 3,
      key,
      app: { name: 'renkei', version: 'test' },
      toolEnv,
    });
  const restore = (archiveFile: string, dataDir: string) =>
    runRestore({ archiveFile, databaseUrl: empty.url, locations: locationsIn(dataDir), key, toolEnv: process.env });

  it('refuses to back up without the network CA, writing no archive', async () => {
    expect(await refusal(backup(path.join(root, 'no-ca')))).toEqual({
      code: 'MISSING_FILE',
      message: expect.stringContaining('has no ca.key or ca.crt'),
    });
    expect(filesUnder(path.join(root, 'archives'))).toEqual([]);
  });

  it('refuses to back up without pg_dump, naming the package, writing no archive', async () => {
    const dataDir = path.join(root, 'with-ca');
    fs.mkdirSync(path.join(dataDir, 'ca'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'ca', 'ca.key'), 'key', { mode: 0o600 });
    fs.writeFileSync(path.join(dataDir, 'ca', 'ca.crt'), 'certificate');
    expect(await refusal(backup(dataDir, { PATH: path.join(root, 'no-tools') }))).toEqual({
      code: 'TOOL_FAILED',
      message: "pg_dump is not installed (PostgreSQL's client tools: apt-get install postgresql-client)",
    });
    expect(filesUnder(path.join(root, 'archives'))).toEqual([]);
  });

  it('refuses an archive file that is not there', async () => {
    expect((await refusal(restore(path.join(root, 'none.rnkb'), path.join(root, 'r0')))).code).toBe('MISSING_FILE');
  });

  it('refuses an archive from a newer version (migrations this one does not know), writing nothing', async () => {
    const known = readMigrations().map((m) => m.name);
    const file = archiveWith(path.join(root, 'newer.rnkb'), Buffer.from('dump'), [...known, '29991231000000_future']);
    const dataDir = path.join(root, 'r1');
    expect(await refusal(restore(file, dataDir))).toEqual({
      code: 'NEWER_SCHEMA',
      message: expect.stringContaining('29991231000000_future'),
    });
    expect(await countsOf(empty.url)).toEqual({});
    expect(filesUnder(dataDir)).toEqual([]);
  });

  it('a dump pg_restore cannot load leaves the database empty and writes no file', async () => {
    const file = archiveWith(path.join(root, 'bad-dump.rnkb'), Buffer.from('PGDMP not really a dump'), []);
    const dataDir = path.join(root, 'r2');
    expect(await refusal(restore(file, dataDir))).toEqual({
      code: 'TOOL_FAILED',
      message: expect.stringContaining('pg_restore failed'),
    });
    expect(await countsOf(empty.url)).toEqual({});
    expect(filesUnder(dataDir)).toEqual([]);
  });

  it('restores an archive made before the outboxes had processed marks, relaying nothing again, and says so', async () => {
    // An older installation's archive: its manifest lacks the migration that added the marks (here the
    // dump is of an empty database, so nothing else can go wrong).
    const older = await createEmptyDatabase();
    const target = await createEmptyDatabase();
    try {
      const dump = execFileSync('pg_dump', ['--format=custom', '--no-password', `--dbname=${older.url}`]);
      const known = readMigrations().map((m) => m.name);
      const before = known.filter((name) => name < '20261207061536_outbox_processed');
      const file = archiveWith(path.join(root, 'older.rnkb'), dump, before);
      const summary = await runRestore({
        archiveFile: file,
        databaseUrl: target.url,
        locations: locationsIn(path.join(root, 'r3')),
        key,
        toolEnv: process.env,
      });
      expect(summary).toMatchObject({ ok: true, relayedAgain: null });
      expect(summary.pendingMigrations).toContain('20261207061536_outbox_processed');
    } finally {
      await older.drop();
      await target.drop();
    }
  });

  it('both commands refuse the embedded database (no DATABASE_URL) with exit code 1', async () => {
    const dataDir = path.join(root, 'embedded');
    for (const [script, args] of [
      ['scripts/backup.ts', []],
      ['scripts/restore.ts', [path.join(root, 'newer.rnkb')]],
    ] as const) {
      const run = await runToExit(script, minimalEnv({ DATA_DIR: dataDir }), 60_000, args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('refused [EMBEDDED_DATABASE]');
    }
    expect(filesUnder(dataDir)).toEqual([]);
  });
});
