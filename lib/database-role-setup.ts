// Applies lib/database-roles.ts to a database (npm run db:roles, and the test
// template): creates the roles if missing, makes the owner role own the
// database and every object of our schemas, and replaces each service role's
// privileges with exactly those of the definition, in one transaction. Run it
// connected as a superuser (or a role with CREATEROLE that may reassign the
// objects), after the migrations. Running it twice changes nothing.
//
// Roles are cluster-wide, privileges are per database: a database cloned from
// a template carries the template's grants with it.
import type { SqlExecutor } from './migrations';
import { StartupError } from './startup-error';
import {
  allTables,
  ownerRole,
  privilegesOf,
  roleGrants,
  schemaNames,
  serviceRoles,
  type ServiceName,
} from './database-roles';

export type RolePasswords = Partial<Record<string, string>>;

export interface RoleSetupResult {
  created: string[];
  passwordsSet: string[];
  ownershipChanged: number;
}

export class RoleSetupError extends Error {
  constructor(readonly problems: string[]) {
    super(`the database roles were not applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RoleSetupError';
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (table: string) => table.split('.').map(ident).join('.');

/** The tables, views and materialized views in our schemas, as "schema.table". */
export async function catalogTables(db: SqlExecutor): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
    [schemaNames],
  );
  return rows.map((row) => row.name);
}

/** Where the definition and the database disagree: tables nobody decided about, or grants on missing tables. */
export async function definitionDrift(db: SqlExecutor): Promise<string[]> {
  const inDatabase = await catalogTables(db);
  return [
    ...inDatabase
      .filter((table) => !allTables.includes(table))
      .map((table) => `${table} exists but lib/database-roles.ts does not list it (decide who may use it there)`),
    ...allTables
      .filter((table) => !inDatabase.includes(table))
      .map((table) => `${table} is listed in lib/database-roles.ts but does not exist (migrations not applied?)`),
  ];
}

async function isDuplicate(run: () => Promise<void>): Promise<boolean> {
  try {
    await run();
    return false;
  } catch (error) {
    // 42710 duplicate_object; 23505 when another session created the same role at the same moment.
    const code = (error as { code?: string }).code;
    if (code === '42710' || code === '23505') return true;
    throw error;
  }
}

async function ensureRoles(
  db: SqlExecutor,
  passwords: RolePasswords,
): Promise<Omit<RoleSetupResult, 'ownershipChanged'>> {
  const created: string[] = [];
  const passwordsSet: string[] = [];
  for (const role of [ownerRole, ...Object.values(serviceRoles)]) {
    const [existing] = await db.query<{
      rolsuper: boolean;
      rolcreaterole: boolean;
      rolcreatedb: boolean;
      rolbypassrls: boolean;
      rolcanlogin: boolean;
    }>('SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1', [
      role,
    ]);
    if (!existing) {
      const raced = await isDuplicate(() =>
        db.exec(`CREATE ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`),
      );
      if (!raced) created.push(role);
    } else if (
      existing.rolsuper ||
      existing.rolcreaterole ||
      existing.rolcreatedb ||
      existing.rolbypassrls ||
      !existing.rolcanlogin
    ) {
      // Altered only when it differs: concurrent runs (two test runs on one server) then never update the same row.
      await db.exec(`ALTER ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`);
    }
    const password = passwords[role];
    if (password) {
      const [statement] = await db.query<{ sql: string }>(
        "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text) AS sql",
        [role, password],
      );
      if (!statement) throw new Error('format() returned no statement');
      await db.exec(statement.sql);
      passwordsSet.push(role);
    }
  }
  // No service role may act as another role (the owner's rights would come with it).
  const memberships = await db.query<{ member: string; granted: string }>(
    `SELECT m.rolname AS member, r.rolname AS granted FROM pg_auth_members a
       JOIN pg_roles m ON m.oid = a.member JOIN pg_roles r ON r.oid = a.roleid WHERE m.rolname = ANY($1)`,
    [Object.values(serviceRoles)],
  );
  for (const { member, granted } of memberships) await db.exec(`REVOKE ${ident(granted)} FROM ${ident(member)}`);
  return { created, passwordsSet };
}

/** Makes the owner role own the database, our schemas and every object in them (and Prisma's migrations table). */
async function transferOwnership(db: SqlExecutor): Promise<number> {
  const statements: string[] = [];
  const [database] = await db.query<{ owner: string }>(
    'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()',
  );
  // Owning the database lets the owner create the schemas of future migrations (and owns schema public).
  if (database?.owner !== ownerRole)
    statements.push(`ALTER DATABASE ${ident(await currentDatabase(db))} OWNER TO ${ident(ownerRole)}`);
  const schemas = await db.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1) AND pg_get_userbyid(nspowner) <> $2`,
    [schemaNames, ownerRole],
  );
  for (const { name } of schemas) statements.push(`ALTER SCHEMA ${ident(name)} OWNER TO ${ident(ownerRole)}`);
  // Sequences owned by a column follow their table; ALTER SEQUENCE would refuse them.
  const relations = await db.query<{ schema: string; name: string; kind: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE (n.nspname = ANY($1) OR (n.nspname = 'public' AND c.relname = '_prisma_migrations'))
        AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND pg_get_userbyid(c.relowner) <> $2
        AND NOT (c.relkind = 'S' AND EXISTS (
          SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))`,
    [schemaNames, ownerRole],
  );
  const keyword: Record<string, string> = {
    r: 'TABLE',
    p: 'TABLE',
    f: 'FOREIGN TABLE',
    v: 'VIEW',
    m: 'MATERIALIZED VIEW',
    S: 'SEQUENCE',
  };
  for (const r of relations)
    statements.push(`ALTER ${keyword[r.kind]} ${ident(r.schema)}.${ident(r.name)} OWNER TO ${ident(ownerRole)}`);
  const functions = await db.query<{ signature: string }>(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = ANY($1) AND pg_get_userbyid(p.proowner) <> $2`,
    [schemaNames, ownerRole],
  );
  for (const f of functions) statements.push(`ALTER ROUTINE ${f.signature} OWNER TO ${ident(ownerRole)}`);
  // Enums and domains; a table's row and array types follow the table.
  const types = await db.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = ANY($1) AND t.typtype IN ('e', 'd') AND pg_get_userbyid(t.typowner) <> $2`,
    [schemaNames, ownerRole],
  );
  for (const t of types) statements.push(`ALTER TYPE ${ident(t.schema)}.${ident(t.name)} OWNER TO ${ident(ownerRole)}`);
  for (const statement of statements) await db.exec(statement);
  return statements.length;
}

async function currentDatabase(db: SqlExecutor): Promise<string> {
  const [row] = await db.query<{ name: string }>('SELECT current_database() AS name');
  if (!row) throw new Error('no current database');
  return row.name;
}

/** The GRANT statements of the definition, after a REVOKE ALL of everything each service role held. */
async function grantStatements(db: SqlExecutor): Promise<string[]> {
  const statements = ['REVOKE CREATE ON SCHEMA public FROM PUBLIC'];
  const serials = await db.query<{ table: string; sequence: string }>(
    `SELECT tn.nspname || '.' || t.relname AS table, quote_ident(sn.nspname) || '.' || quote_ident(s.relname) AS sequence
       FROM pg_depend d
       JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        AND tn.nspname = ANY($1)`,
    [schemaNames],
  );
  for (const [service, role] of Object.entries(serviceRoles) as Array<[ServiceName, string]>) {
    const who = ident(role);
    for (const schema of schemaNames) {
      statements.push(
        `REVOKE ALL ON ALL TABLES IN SCHEMA ${ident(schema)} FROM ${who}`,
        `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${ident(schema)} FROM ${who}`,
        `REVOKE ALL ON SCHEMA ${ident(schema)} FROM ${who}`,
      );
    }
    statements.push(`REVOKE ALL ON TABLE public._prisma_migrations FROM ${who}`);
    const grants = Object.entries(roleGrants[service]);
    const usedSchemas = new Set(grants.map(([table]) => table.slice(0, table.indexOf('.'))));
    for (const schema of usedSchemas) statements.push(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${who}`);
    for (const [table, access] of grants) {
      statements.push(`GRANT ${privilegesOf[access].join(', ')} ON TABLE ${qualified(table)} TO ${who}`);
      // An identity or serial column's sequence, for the rows this role may insert.
      if (access !== 'read')
        for (const serial of serials.filter((s) => s.table === table))
          statements.push(`GRANT USAGE, SELECT ON SEQUENCE ${serial.sequence} TO ${who}`);
    }
  }
  return statements;
}

async function inTransaction<T>(db: SqlExecutor, fn: () => Promise<T>): Promise<T> {
  await db.exec('BEGIN');
  try {
    const result = await fn();
    await db.exec('COMMIT');
    return result;
  } catch (error) {
    await db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * The part that needs no migrated schema: the roles exist, and the owner role owns the database
 * and whatever objects exist already, so the migrations can then run as the owner.
 */
export async function prepareOwner(db: SqlExecutor, passwords: RolePasswords = {}): Promise<RoleSetupResult> {
  const roles = await ensureRoles(db, passwords);
  const ownershipChanged = await inTransaction(db, () => transferOwnership(db));
  return { ...roles, ownershipChanged };
}

/** Creates the roles, reassigns ownership and applies the grants. Throws RoleSetupError when the database and the definition disagree. */
export async function applyDatabaseRoles(db: SqlExecutor, passwords: RolePasswords = {}): Promise<RoleSetupResult> {
  const drift = await definitionDrift(db);
  if (drift.length) throw new RoleSetupError(drift);
  const roles = await ensureRoles(db, passwords);
  return inTransaction(db, async () => {
    const ownershipChanged = await transferOwnership(db);
    for (const statement of await grantStatements(db)) await db.exec(statement);
    return { ...roles, ownershipChanged };
  });
}

const roleVariables = {
  owner: ['OWNER_DATABASE_URL', ownerRole],
  identity: ['IDENTITY_DATABASE_URL', serviceRoles.identity],
  rooms: ['ROOMS_DATABASE_URL', serviceRoles.rooms],
  consent: ['CONSENT_DATABASE_URL', serviceRoles.consent],
  worker: ['WORKER_DATABASE_URL', serviceRoles.worker],
} as const;

/**
 * Each role's password, from its own connection string (config's roleDatabaseUrls). A string that
 * connects as another role is refused with every such problem listed (StartupError): the password
 * would be set on one role and used by another.
 */
export function rolePasswordsFrom(urls: Partial<Record<keyof typeof roleVariables, string>>): RolePasswords {
  const problems: string[] = [];
  const passwords: RolePasswords = {};
  for (const [key, [variable, role]] of Object.entries(roleVariables) as Array<
    [keyof typeof roleVariables, readonly [string, string]]
  >) {
    const value = urls[key];
    if (!value) continue;
    const url = new URL(value);
    const user = decodeURIComponent(url.username);
    if (user !== role) problems.push(`${variable}: must connect as ${role}, not ${user || '(no user)'}`);
    else if (url.password) passwords[role] = decodeURIComponent(url.password);
  }
  if (problems.length) throw new StartupError(problems);
  return passwords;
}

/** A service's database URL: the admin URL with the service role's name (and password, when given) in it. */
export function roleDatabaseUrl(databaseUrl: string, role: string, password?: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}
