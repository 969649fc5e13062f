// Applies prisma/migrations in order, recording them in Prisma's own
// `_prisma_migrations` table and format (sha256 checksum of migration.sql), so a
// database migrated earlier by `prisma migrate deploy` carries on here. It is the
// only migrator: the embedded database on open, test databases, and servers
// through `npm run migrate` (scripts/migrate.ts) and `db:roles --migrate`.
// Prisma 7's CLI would need its native schema engine to migrate, which our
// build machines cannot download; this runner needs only a connection.
//
// Concurrency: the whole run holds PostgreSQL's advisory lock under Prisma's own
// key, so two runners (two replicas' migrate jobs, or this and an older
// `prisma migrate deploy`) never apply the same migration twice.
// Failure: each migration runs in its own transaction, so a failing one leaves
// nothing behind and is not recorded; fix it and run again. (`prisma migrate
// deploy` runs a script outside a transaction and records a failure, which it
// then refuses to pass; this runner refuses the same way on such a record.)
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoPath } from './repo-paths';

export interface SqlExecutor {
  /** Runs one or more statements with no parameters. */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = repoPath('prisma', 'migrations')): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** The key `prisma migrate deploy` takes PostgreSQL's advisory lock with: the two exclude each other. */
export const migrationLockKey = 72707369;

/** A migration that cannot be applied, named; nothing of it was written. */
export class MigrationError extends Error {}

/** Applies pending migrations, each in its own transaction, under the advisory lock. Returns the names applied. */
export async function applyMigrations(db: SqlExecutor, migrations = readMigrations()): Promise<string[]> {
  await db.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
  try {
    return await applyPending(db, migrations);
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
  }
}

async function applyPending(db: SqlExecutor, migrations: Migration[]): Promise<string[]> {
  await db.exec(createMigrationsTable);
  const rows = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
  );
  const failed = rows.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  if (failed.length > 0) {
    throw new MigrationError(
      `migration ${failed.join(', ')} failed part-way under an earlier migrator and is recorded unfinished: ` +
        'repair the database by hand, then mark the record rolled back (rolled_back_at) or finished',
    );
  }
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  const done: string[] = [];
  for (const migration of migrations) {
    const previous = applied.get(migration.name);
    if (previous !== undefined) {
      if (previous !== migration.checksum) {
        throw new MigrationError(
          `migration ${migration.name} was changed after it was applied; migrations are append-only`,
        );
      }
      continue;
    }
    await db.exec('BEGIN');
    try {
      await db.exec(migration.sql);
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await db.exec('COMMIT');
    } catch (error) {
      await db.exec('ROLLBACK');
      const reason = error instanceof Error ? error.message : String(error);
      throw new MigrationError(
        `migration ${migration.name} failed and was rolled back, nothing of it applied: ${reason}`,
      );
    }
    done.push(migration.name);
  }
  return done;
}
