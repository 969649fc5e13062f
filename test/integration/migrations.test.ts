// The migration runner (lib/migrations.ts), the only one: the embedded start,
// test databases, and servers through npm run migrate and db:roles --migrate
// (database-roles.test.ts runs that one as the owner role). Real PostgreSQL,
// one fresh database per test.
import { Client } from 'pg';
import { withPgClient } from '../../lib/database';
import { applyMigrations, migrationLockKey, readMigrations, type Migration } from '../../lib/migrations';
import { adminDatabaseUrl, databasePrefix, databaseUrlFor, uniqueName } from '../support/environment';
import { minimalEnv, spawnEntry } from '../support/spawn-service';

async function withFreshDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = uniqueName(databasePrefix);
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await fn(databaseUrlFor(name));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

describe('migrations', () => {
  it("keep semicolons out of comments (so Prisma's own migrate deploy, which splits at every one, can apply them too)", () => {
    for (const migration of readMigrations()) {
      const offending = migration.sql.split('\n').filter((line) => /^\s*--.*;/.test(line));
      expect({ migration: migration.name, offending }).toEqual({ migration: migration.name, offending: [] });
    }
  });

  it('creates one schema per owner and applies each migration once', async () => {
    await withFreshDatabase(async (url) => {
      const all = readMigrations().map((m) => m.name);
      expect(await withPgClient(url, applyMigrations)).toEqual(all);
      expect(await withPgClient(url, applyMigrations)).toEqual([]);
      const schemas = await withPgClient(url, (db) =>
        db.query<{ nspname: string }>(
          "SELECT nspname FROM pg_namespace WHERE nspname IN ('identity','rooms','consent','integration') ORDER BY 1",
        ),
      );
      expect(schemas.map((s) => s.nspname)).toEqual(['consent', 'identity', 'integration', 'rooms']);
    });
  });

  it('has no foreign key that crosses a schema', async () => {
    await withFreshDatabase(async (url) => {
      await withPgClient(url, applyMigrations);
      const crossing = await withPgClient(url, (db) =>
        db.query(`SELECT conname FROM pg_constraint c
                  JOIN pg_class s ON s.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid
                  WHERE c.contype = 'f' AND s.relnamespace <> t.relnamespace`),
      );
      expect(crossing).toEqual([]);
    });
  });

  it('refuses a migration edited after it was applied', async () => {
    await withFreshDatabase(async (url) => {
      await withPgClient(url, applyMigrations);
      const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
      await expect(withPgClient(url, (db) => applyMigrations(db, edited))).rejects.toThrow(/append-only/);
    });
  });

  /** Names of the finished migrations recorded in the database. */
  const recorded = (url: string) =>
    withPgClient(url, async (db) =>
      (
        await db.query<{ migration_name: string }>(
          'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY 1',
        )
      ).map((r) => r.migration_name),
    );

  it('applies each migration once when two runners start together (the advisory lock)', async () => {
    await withFreshDatabase(async (url) => {
      const all = readMigrations().map((m) => m.name);
      const runs = await Promise.all([withPgClient(url, applyMigrations), withPgClient(url, applyMigrations)]);
      // One applied everything while the other waited for the lock, then found nothing to do.
      expect(runs.map((names) => names.length).sort()).toEqual([0, all.length]);
      expect(await recorded(url)).toEqual(all);
    });
  });

  it('waits for a migrator that holds the lock (prisma migrate deploy takes the same key)', async () => {
    await withFreshDatabase(async (url) => {
      const holder = new Client({ connectionString: url });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
        let finished = false;
        const waiting = withPgClient(url, applyMigrations).then((names) => {
          finished = true;
          return names;
        });
        // The runner is blocked on the lock, visible in pg_locks, and has written nothing.
        const blocked = async () =>
          (
            await holder.query(
              "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1",
              [migrationLockKey],
            )
          ).rows[0].n as number;
        for (let i = 0; i < 100 && (await blocked()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await blocked()).toBe(1);
        expect(finished).toBe(false);
        expect((await holder.query("SELECT to_regclass('identity.user') AS t")).rows[0].t).toBeNull();
        await holder.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
        expect(await waiting).toEqual(readMigrations().map((m) => m.name));
      } finally {
        await holder.end();
      }
    });
  });

  it('rolls a failing migration back whole, records nothing of it, and applies it once it is fixed', async () => {
    await withFreshDatabase(async (url) => {
      const [first, ...rest] = readMigrations() as [Migration, ...Migration[]];
      const broken: Migration = {
        name: '29990101000000_broken',
        sql: 'CREATE TABLE rooms.half_done (id int);\nSELECT no_such_function();',
        checksum: 'a'.repeat(64),
      };
      await expect(withPgClient(url, (db) => applyMigrations(db, [first, ...rest, broken]))).rejects.toThrow(
        /^migration 29990101000000_broken failed and was rolled back, nothing of it applied: function no_such_function\(\) does not exist$/,
      );
      // The migrations before it stay applied; the broken one left no table and no record.
      expect(await recorded(url)).toEqual([first, ...rest].map((m) => m.name));
      const halfDone = await withPgClient(url, (db) =>
        db.query<{ t: string | null }>("SELECT to_regclass('rooms.half_done') AS t"),
      );
      expect(halfDone).toEqual([{ t: null }]);
      const fixed = { ...broken, sql: 'CREATE TABLE rooms.half_done (id int);' };
      expect(await withPgClient(url, (db) => applyMigrations(db, [first, ...rest, fixed]))).toEqual([fixed.name]);
    });
  });

  it('refuses to pass a migration an earlier migrator recorded as unfinished, applying nothing', async () => {
    await withFreshDatabase(async (url) => {
      const [first, second] = readMigrations() as [Migration, Migration];
      await withPgClient(url, (db) => applyMigrations(db, [first]));
      // As `prisma migrate deploy` leaves a migration whose script failed part-way.
      await withPgClient(url, (db) =>
        db.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, applied_steps_count)
           VALUES ('00000000-0000-4000-8000-000000000000', $1, $2, 'error', 0)`,
          [second.checksum, second.name],
        ),
      );
      await expect(withPgClient(url, applyMigrations)).rejects.toThrow(
        `migration ${second.name} failed part-way under an earlier migrator and is recorded unfinished`,
      );
      expect(await recorded(url)).toEqual([first.name]);
    });
  });

  describe('npm run migrate (scripts/migrate.ts, a real process)', () => {
    async function migrate(env: Record<string, string>) {
      const run = spawnEntry('scripts/migrate.ts', minimalEnv(env));
      try {
        return await run.waitForExit(60_000);
      } finally {
        run.killGroup();
      }
    }

    it('applies the pending migrations and says which; a second run has none', async () => {
      await withFreshDatabase(async (url) => {
        const all = readMigrations().map((m) => m.name);
        const first = await migrate({ DATABASE_URL: url });
        expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
        expect(first.stdout.split('\n').slice(1, -1)).toEqual([
          ...all.map((name) => `applied ${name}`),
          `${all.length} migration(s) applied`,
        ]);
        const second = await migrate({ DATABASE_URL: url });
        expect({ code: second.code, out: second.stdout.split('\n').slice(1) }).toEqual({
          code: 0,
          out: ['no pending migrations', ''],
        });
        expect(await recorded(url)).toEqual(all);
      });
    }, 120_000);

    it('refuses a missing or non-PostgreSQL DATABASE_URL with a configuration message', async () => {
      const missing = await migrate({});
      expect({ code: missing.code, stderr: missing.stderr }).toEqual({
        code: 1,
        stderr: 'Renkei cannot start:\n  - DATABASE_URL: is required for this service\n',
      });
      const mysql = await migrate({ DATABASE_URL: 'mysql://root@127.0.0.1/renkei' });
      expect(mysql.code).toBe(1);
      expect(mysql.stderr).toMatch(/^Renkei cannot start:\n {2}- DATABASE_URL: /);
    }, 120_000);
  });
});
