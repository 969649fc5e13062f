// npm run restore, as a function the drill calls too. Everything that can
// refuse runs before anything is written: the archive is decrypted and
// checked (GCM tag, then each member's SHA-256), its migrations must be known
// to this version, the target database must be empty and the target files
// absent. Then pg_restore loads the dump in one transaction, the files are
// written (keys 0600), and the result is verified: every table's row count
// against the manifest, and the access chains against the restored signed
// checkpoints with the same verifier `npm run audit:verify` uses. Last, the
// outbox events whose jobs had not finished at the archive's time are set to
// be relayed again: those jobs were in Redis, which no archive holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { connectPostgres } from '../database';
import { readMigrations } from '../migrations';
import { verifyTrails, type TrailVerdict } from '../audit/checkpoint-runs';
import { openArchive, type ArchiveContents } from './archive-format';
import { BackupError } from './backup-error';
import type { BackupKey } from './backup-key';
import { occupiedTargets, writeDataFiles, type DataLocations } from './data-files';
import { databaseContents, tableCounts } from './database-facts';
import { countDifferences, unknownMigrations, type Manifest } from './manifest';
import { pgRestore } from './pg-tools';
import { relayUnfinishedAgain, type OutboxDelegate } from '../outbox-table';

/** The migration that added the outboxes' processed marks: an older archive cannot tell which jobs had finished. */
const outboxProcessedMigration = '20261207061536_outbox_processed';

export interface RestoreSettings {
  archiveFile: string;
  databaseUrl: string;
  locations: DataLocations;
  key: BackupKey;
  toolEnv: NodeJS.ProcessEnv;
}

export interface RestoreSummary {
  manifest: Manifest;
  tables: number;
  rows: number;
  files: string[];
  /** Tables whose restored count differs from the manifest (none when the restore is whole). */
  countProblems: string[];
  /** The chains against the restored checkpoints; null when the archive holds no checkpoint key. */
  trails: TrailVerdict[] | null;
  /** Migrations of this version the archive's database has not had yet: run `npm run migrate`. */
  pendingMigrations: string[];
  /**
   * Outbox events relayed whose jobs had not finished, now to be relayed again when the worker
   * starts; null when the archive predates the processed marks (those jobs are not run again).
   */
  relayedAgain: number | null;
  ok: boolean;
  ms: number;
}

/** Opens and checks an archive (key, tag, checksums, a dump inside) without writing anything: `restore -- --check`. */
export function checkArchive(archiveFile: string, key: BackupKey): ArchiveContents {
  let archive: Buffer;
  try {
    archive = fs.readFileSync(archiveFile);
  } catch (error) {
    throw new BackupError(
      'MISSING_FILE',
      `cannot read the archive ${archiveFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const contents = openArchive(key, archive);
  if (!contents.members.has('database.dump'))
    throw new BackupError('DAMAGED_ARCHIVE', 'the archive holds no database dump');
  return contents;
}

export async function runRestore(settings: RestoreSettings): Promise<RestoreSummary> {
  const started = Date.now();
  const { manifest, members } = checkArchive(settings.archiveFile, settings.key);
  const dump = members.get('database.dump')!;

  const known = readMigrations().map((m) => m.name);
  const newer = unknownMigrations(manifest.database.migrations, known);
  if (newer.length > 0)
    throw new BackupError(
      'NEWER_SCHEMA',
      `the archive's database has migrations this version does not know (${newer.join(', ')}): restore it with the version that made it (${manifest.app.version} or later)`,
    );

  const occupied = occupiedTargets(
    settings.locations,
    [...members.keys()].filter((n) => n !== 'database.dump'),
  );
  if (occupied.length > 0)
    throw new BackupError(
      'TARGET_NOT_EMPTY',
      `the data directory is not empty (${occupied.slice(0, 5).join(', ')}${occupied.length > 5 ? ', …' : ''}): restore into empty directories, or move these files away first`,
    );
  const client = new Client({ connectionString: settings.databaseUrl });
  await client.connect();
  try {
    const contents = await databaseContents(client);
    if (contents.length > 0)
      throw new BackupError(
        'TARGET_NOT_EMPTY',
        `the target database is not empty (${contents.join(', ')}): restore into a newly created, empty database`,
      );

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-restore-'));
    try {
      const dumpFile = path.join(work, 'database.dump');
      fs.writeFileSync(dumpFile, dump, { mode: 0o600 });
      await pgRestore(settings.databaseUrl, dumpFile, settings.toolEnv);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    const modes = new Map(manifest.members.map((m) => [m.name, m.mode]));
    const files = writeDataFiles(settings.locations, members, modes);

    const counts = await tableCounts(client);
    const countProblems = countDifferences(manifest.database.tables, counts);
    const trails = await verifyRestoredTrails(settings);
    const applied = new Set(manifest.database.migrations);
    const relayedAgain = applied.has(outboxProcessedMigration) ? await relayUnfinished(settings.databaseUrl) : null;
    return {
      manifest,
      tables: Object.keys(counts).length,
      rows: Object.values(counts).reduce((a, b) => a + b, 0),
      files,
      countProblems,
      trails,
      pendingMigrations: known.filter((name) => !applied.has(name)),
      relayedAgain,
      ok: countProblems.length === 0 && (trails ?? []).every((t) => t.ok),
      ms: Date.now() - started,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function verifyRestoredTrails(settings: RestoreSettings): Promise<TrailVerdict[] | null> {
  const publicKeyFile = `${settings.locations.checkpointKeyFile}.pub`;
  if (!fs.existsSync(publicKeyFile)) return null;
  const db = connectPostgres(settings.databaseUrl, 2);
  try {
    return await verifyTrails(db.prisma, { publicKeyFile, checkpointDir: settings.locations.checkpointDir });
  } finally {
    await db.close();
  }
}

async function relayUnfinished(databaseUrl: string): Promise<number> {
  const db = connectPostgres(databaseUrl, 2);
  try {
    const { consentOutboxEvent, roomsOutboxEvent, integrationOutboxEvent, identityOutboxEvent } = db.prisma;
    let total = 0;
    for (const table of [consentOutboxEvent, roomsOutboxEvent, integrationOutboxEvent, identityOutboxEvent])
      // Prisma's delegate is wider than the structural interface lib/outbox-table needs.
      total += await relayUnfinishedAgain(table as unknown as OutboxDelegate);
    return total;
  } finally {
    await db.close();
  }
}
