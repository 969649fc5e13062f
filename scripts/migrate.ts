// npm run migrate
//
// Applies the pending migrations of prisma/migrations to the database at
// DATABASE_URL (lib/migrations.ts: Prisma's _prisma_migrations format, under
// Prisma's advisory lock, one transaction per migration), and says which it
// applied. For a server whose roles are set up (README, "Database roles"),
// `npm run db:roles -- --migrate` runs this as the owner role between preparing
// the roles and granting them.
import { loadConfig, redactUrl } from '../lib/config';
import { withPgClient } from '../lib/database';
import { applyMigrations } from '../lib/migrations';
import { formatStartupProblems, StartupError } from '../lib/startup-error';

/** Applies the pending migrations at `databaseUrl`, printing what it did; shared with db-roles --migrate. */
export async function migrateAndReport(
  databaseUrl: string,
  write = (line: string) => process.stdout.write(`${line}\n`),
) {
  write(`migrating ${redactUrl(databaseUrl)}`);
  const applied = await withPgClient(databaseUrl, (db) => applyMigrations(db));
  for (const name of applied) write(`applied ${name}`);
  write(applied.length ? `${applied.length} migration(s) applied` : 'no pending migrations');
}

if (require.main === module) {
  const config = (() => {
    try {
      return loadConfig(process.env, ['DATABASE_URL']);
    } catch (error) {
      if (!(error instanceof StartupError)) throw error;
      process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
      process.exit(1);
    }
  })();
  migrateAndReport(config.databaseUrl as string).catch((error: unknown) => {
    process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
