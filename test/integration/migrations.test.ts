// Our migration runner (embedded start, test databases) and Prisma's own
// `prisma migrate deploy` (production) must agree on what has been applied.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { withPgClient } from '../../lib/database';
import { applyMigrations, readMigrations } from '../../lib/migrations';
import { repoRoot } from '../../lib/repo-paths';
import { adminDatabaseUrl, databasePrefix, databaseUrlFor, uniqueName } from '../support/environment';

const run = promisify(execFile);

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
  it('keep semicolons out of comments (prisma migrate deploy splits statements at every one)', () => {
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

  // `prisma migrate deploy` idles ~10 s after its work is done (a timer its schema engine leaves
  // running), so the two runs below start together in beforeAll and each test awaits its own.
  type DeployRun = { stdout: string; ourRunnerAfterwards: string[] };
  let fromEmpty: Promise<DeployRun>;
  let afterOurRunner: Promise<DeployRun>;

  const prismaMigrateDeploy = async (url: string) =>
    (
      await run(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: url },
      })
    ).stdout;

  /** Settled later by the test that reads it: a rejection here must not go unhandled before then. */
  const deferred = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => undefined);
    return promise;
  };

  beforeAll(() => {
    fromEmpty = deferred(
      withFreshDatabase(async (url) => {
        const stdout = await prismaMigrateDeploy(url);
        return { stdout, ourRunnerAfterwards: await withPgClient(url, applyMigrations) };
      }),
    );
    afterOurRunner = deferred(
      withFreshDatabase(async (url) => {
        await withPgClient(url, applyMigrations);
        return { stdout: await prismaMigrateDeploy(url), ourRunnerAfterwards: [] };
      }),
    );
  });

  it('can be applied by prisma migrate deploy to an empty database', async () => {
    const { stdout, ourRunnerAfterwards } = await fromEmpty;
    expect(stdout).toMatch(/All migrations have been successfully applied/);
    // And our runner then finds nothing left to do.
    expect(ourRunnerAfterwards).toEqual([]);
  });

  it('agrees with prisma migrate deploy', async () => {
    const { stdout } = await afterOurRunner;
    expect(stdout).toMatch(/No pending migrations to apply/);
  });
});
