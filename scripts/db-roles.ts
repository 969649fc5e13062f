// npm run db:roles [-- --migrate]
//
// Creates the database roles of lib/database-roles.ts if missing, makes the
// owner role (renkei_owner) own the database and every object in it, and
// gives each service role exactly its privileges. Connects with DATABASE_URL,
// a superuser's. Each role's password is the one in its own connection string
// (OWNER_DATABASE_URL, IDENTITY_DATABASE_URL, ROOMS_DATABASE_URL,
// CONSENT_DATABASE_URL, WORKER_DATABASE_URL), the same strings the services
// are started with; a role without one keeps the password it has. Run it
// again after every migration (and to rotate passwords): it is idempotent.
//
// --migrate (docker-compose's `migrate` step): prepares the roles and the
// ownership, applies the migrations as the owner (OWNER_DATABASE_URL; the
// runner of npm run migrate, scripts/migrate.ts),
// then applies the grants, so new tables are owned by renkei_owner and no
// service is started with a table it has no rights on.
import { loadConfig } from '../lib/config';
import { withPgClient } from '../lib/database';
import { ownerRole, serviceRoles } from '../lib/database-roles';
import {
  applyDatabaseRoles,
  prepareOwner,
  rolePasswordsFrom,
  RoleSetupError,
  type RoleSetupResult,
} from '../lib/database-role-setup';
import { formatStartupProblems, StartupError } from '../lib/startup-error';
import { migrateAndReport } from './migrate';

function report(result: RoleSetupResult): string {
  return [
    result.created.length ? `created roles: ${result.created.join(', ')}` : 'roles: all present',
    result.passwordsSet.length ? `passwords set: ${result.passwordsSet.join(', ')}` : 'passwords: unchanged',
    `ownership moved to ${ownerRole}: ${result.ownershipChanged} object(s)`,
  ].join('\n');
}

async function main(): Promise<void> {
  const migrate = process.argv.includes('--migrate');
  const config = loadConfig(process.env, ['DATABASE_URL']);
  const adminUrl = config.databaseUrl as string;
  const passwords = rolePasswordsFrom(config.roleDatabaseUrls);
  if (migrate) {
    const ownerUrl = config.roleDatabaseUrls.owner;
    if (!ownerUrl)
      throw new StartupError(['OWNER_DATABASE_URL: is required with --migrate (the migrations run as the owner)']);
    process.stdout.write(`${report(await withPgClient(adminUrl, (db) => prepareOwner(db, passwords)))}\n`);
    process.stdout.write(`migrations as ${ownerRole}\n`);
    await migrateAndReport(ownerUrl);
  }
  // With --migrate the passwords were set before the migrations.
  const result = await withPgClient(adminUrl, (db) => applyDatabaseRoles(db, migrate ? {} : passwords));
  process.stdout.write(`${report(result)}\ngrants applied: ${Object.values(serviceRoles).join(', ')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  if (error instanceof RoleSetupError) {
    process.stderr.write(`db:roles: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`db:roles failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
