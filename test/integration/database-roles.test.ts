// The database roles against real PostgreSQL (lib/database-roles.ts, applied
// to the test template by the global setup as npm run db:roles would): every
// table of ours is in the definition, the owner role owns every object and
// no service role owns any, each role's privileges are exactly the
// definition's, and statements a service must never run are refused by
// PostgreSQL itself: another schema's tables, UPDATE, DELETE and TRUNCATE
// on the append-only trails, DISABLE TRIGGER, DROP, CREATE. Applying the
// roles twice changes nothing; a table nobody decided about stops it.
import { Client } from 'pg';
import {
  allTables,
  appendOnlyTables,
  ownerRole,
  privilegesOf,
  roleGrants,
  schemaNames,
  serviceRoles,
  type ServiceName,
} from '../../lib/database-roles';
import {
  applyDatabaseRoles,
  catalogTables,
  definitionDrift,
  roleDatabaseUrl,
  RoleSetupError,
} from '../../lib/database-role-setup';
import { readMigrations, type SqlExecutor } from '../../lib/migrations';
import { adminDatabaseUrl, databasePrefix, databaseUrlFor, uniqueName } from '../support/environment';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { minimalEnv, spawnEntry } from '../support/spawn-service';

const services = Object.keys(serviceRoles) as ServiceName[];
const tablePrivileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

let db: TestDatabase;

/** Runs one statement as a service role; resolves to PostgreSQL's refusal (code and message), or null when it ran. */
async function runAs(service: ServiceName, sql: string): Promise<{ code: string; message: string } | null> {
  const client = new Client({ connectionString: roleDatabaseUrl(db.url, serviceRoles[service]) });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(sql);
    return null;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

const adminExecutor = (client: Client): SqlExecutor => ({
  exec: async (sql) => {
    await client.query(sql);
  },
  query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
});

async function asAdmin<T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return await fn(adminExecutor(client));
  } finally {
    await client.end();
  }
}

/** Every service role's table privileges, as "role schema.table PRIVILEGE" lines. */
async function grantedPrivileges(): Promise<string[]> {
  return asAdmin(async (admin) => {
    const rows = await admin.query<{ line: string }>(
      `SELECT grantee || ' ' || table_schema || '.' || table_name || ' ' || privilege_type AS line
         FROM information_schema.role_table_grants WHERE grantee = ANY($1) ORDER BY 1`,
      [Object.values(serviceRoles)],
    );
    return rows.map((row) => row.line);
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('the definition and the database', () => {
  it('lists every table of our schemas, and only those (a new table must be decided on in lib/database-roles.ts)', async () => {
    const tables = await asAdmin(catalogTables);
    expect([...tables].sort()).toEqual([...allTables].sort());
    expect(await asAdmin(definitionDrift)).toEqual([]);
  });

  it('makes the owner role own the schemas and every object in them; no service role owns anything', async () => {
    const owners = await asAdmin((admin) =>
      admin.query<{ kind: string; name: string; owner: string }>(
        `SELECT 'schema' AS kind, nspname AS name, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = ANY($1)
         UNION ALL
         SELECT 'relation ' || c.relkind::text, n.nspname || '.' || c.relname, pg_get_userbyid(c.relowner)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1)
         UNION ALL
         SELECT 'function', p.oid::regprocedure::text, pg_get_userbyid(p.proowner)
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1)
         UNION ALL
         SELECT 'type', n.nspname || '.' || t.typname, pg_get_userbyid(t.typowner)
           FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1)`,
        [schemaNames],
      ),
    );
    expect(owners.length).toBeGreaterThan(allTables.length);
    expect(owners.filter((o) => o.owner !== ownerRole).map((o) => `${o.kind} ${o.name}: ${o.owner}`)).toEqual([]);
    const serviceOwned = await asAdmin((admin) =>
      admin.query<{ name: string }>(
        `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = ANY($1)`,
        [Object.values(serviceRoles)],
      ),
    );
    expect(serviceOwned).toEqual([]);
  });

  it("gives each service role exactly the definition's privileges, never TRUNCATE, REFERENCES or TRIGGER", async () => {
    const expected = services
      .flatMap((service) =>
        Object.entries(roleGrants[service]).flatMap(([table, access]) =>
          privilegesOf[access].map((privilege) => `${serviceRoles[service]} ${table} ${privilege}`),
        ),
      )
      .sort();
    expect(await grantedPrivileges()).toEqual(expected);
    expect(tablePrivileges.filter((p) => !privilegesOf.write.includes(p))).toEqual([
      'TRUNCATE',
      'REFERENCES',
      'TRIGGER',
    ]);
  });

  it('leaves the service roles without superuser, role or database creation, or membership in another role', async () => {
    const roles = await asAdmin((admin) =>
      admin.query<{
        rolname: string;
        rolsuper: boolean;
        rolcreaterole: boolean;
        rolcreatedb: boolean;
        member_of: number;
      }>(
        `SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb,
                (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS member_of
           FROM pg_roles r WHERE r.rolname = ANY($1) ORDER BY r.rolname`,
        [[ownerRole, ...Object.values(serviceRoles)]],
      ),
    );
    expect(roles).toHaveLength(5);
    expect(roles.filter((r) => r.rolsuper || r.rolcreaterole || r.rolcreatedb || r.member_of > 0)).toEqual([]);
  });
});

describe('what PostgreSQL refuses each service role', () => {
  // Tables of another schema each service has no business with (rights on its own schema only; the worker on its jobs' tables).
  const foreign: Record<ServiceName, string[]> = {
    identity: ['rooms.room', 'rooms.post', 'consent.consent_record', 'integration.inbound_task'],
    rooms: ['identity.user', 'identity.session', 'consent.consent_record', 'integration.inbound_task'],
    consent: ['identity.user', 'rooms.room', 'rooms.subject_sharing', 'integration.smart_access_token'],
    worker: [
      'identity.application',
      'identity.password_history',
      'identity.system_restriction',
      'rooms.post',
      'rooms.meeting',
      'consent.disclosure_request',
    ],
  };

  it.each(services.flatMap((service) => foreign[service].map((table) => [service, table] as const)))(
    '%s cannot read %s',
    async (service, table) => {
      expect(roleGrants[service][table]).toBeUndefined();
      const refusal = await runAs(service, `SELECT 1 FROM ${table} LIMIT 1`);
      expect(refusal).toMatchObject({
        code: '42501',
        message: expect.stringMatching(/^permission denied for (schema|table)/),
      });
    },
  );

  it('lets the worker read partners but not change them (registered through the identity subgraph only)', async () => {
    expect(await runAs('worker', 'SELECT 1 FROM identity.partner LIMIT 1')).toBeNull();
    expect(await runAs('worker', 'UPDATE identity.partner SET name = name WHERE false')).toEqual({
      code: '42501',
      message: 'permission denied for table partner',
    });
  });

  it.each(services.map((service) => [service] as const))('%s can read and write its own tables', async (service) => {
    const own: Record<ServiceName, string> = {
      identity: 'UPDATE identity.facility SET name = name WHERE false',
      rooms: 'DELETE FROM rooms.post_read WHERE false',
      consent: 'UPDATE consent.consent_record SET state = state WHERE false',
      worker: 'DELETE FROM integration.used_jwt_id WHERE false',
    };
    expect(await runAs(service, own[service])).toBeNull();
  });

  const trails = services.flatMap((service) =>
    appendOnlyTables.filter((table) => roleGrants[service][table]).map((table) => [service, table] as const),
  );

  it('covers every append-only trail with a role that may append to it', () => {
    expect(new Set(trails.map(([, table]) => table))).toEqual(new Set(appendOnlyTables));
  });

  it.each(trails)(
    '%s may not UPDATE, DELETE or TRUNCATE %s (permission, before any trigger)',
    async (service, table) => {
      const column = await asAdmin(async (admin) => {
        const [row] = await admin.query<{ attname: string }>(
          'SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum = 1',
          [table],
        );
        return row?.attname;
      });
      for (const sql of [
        `UPDATE ${table} SET ${column} = ${column} WHERE false`,
        `DELETE FROM ${table} WHERE false`,
        `TRUNCATE ${table}`,
      ]) {
        const refusal = await runAs(service, sql);
        expect({ sql, refusal }).toEqual({
          sql,
          refusal: { code: '42501', message: `permission denied for table ${table.split('.')[1]}` },
        });
      }
    },
  );

  it.each(services.flatMap((service) => appendOnlyTables.map((table) => [service, table] as const)))(
    '%s may not disable the triggers of %s, nor drop it',
    async (service, table) => {
      const [schema, name] = table.split('.') as [string, string];
      const trigger = await asAdmin(async (admin) => {
        const [row] = await admin.query<{ tgname: string }>(
          `SELECT t.tgname FROM pg_trigger t WHERE t.tgrelid = $1::regclass AND NOT t.tgisinternal LIMIT 1`,
          [table],
        );
        return row?.tgname;
      });
      expect(trigger).toBeDefined();
      for (const sql of [
        `ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`,
        `ALTER TABLE ${table} DISABLE TRIGGER ALL`,
        `DROP TABLE ${table}`,
      ]) {
        const refusal = await runAs(service, sql);
        expect({ sql, refusal }).toEqual({
          sql,
          refusal: {
            code: '42501',
            message: expect.stringMatching(
              new RegExp(`^(must be owner of table ${name}|permission denied for schema ${schema})$`),
            ),
          },
        });
      }
    },
  );

  it.each(services.map((service) => [service] as const))('%s may not create objects in any schema', async (service) => {
    for (const schema of [...schemaNames, 'public']) {
      const refusal = await runAs(service, `CREATE TABLE ${schema}.intruder (id int)`);
      expect({ schema, refusal }).toEqual({
        schema,
        refusal: { code: '42501', message: `permission denied for schema ${schema}` },
      });
    }
  });
});

describe('applying the roles (npm run db:roles)', () => {
  it('is idempotent: a second run creates nothing, moves nothing and leaves the same grants', async () => {
    // A clone is owned by whoever created it (the template's owner is not copied): the first run takes it over.
    await asAdmin((admin) => applyDatabaseRoles(admin));
    const before = await grantedPrivileges();
    const result = await asAdmin((admin) => applyDatabaseRoles(admin));
    expect(result).toEqual({ created: [], passwordsSet: [], ownershipChanged: 0 });
    expect(await grantedPrivileges()).toEqual(before);
  });

  it('refuses a database with a table the definition does not list, naming it, and changes nothing', async () => {
    const other = await createTestDatabase();
    try {
      await other.prisma.$executeRawUnsafe('CREATE TABLE rooms.unplanned (id int)');
      await other.prisma.$executeRawUnsafe('GRANT SELECT ON rooms.room TO renkei_identity');
      const client = new Client({ connectionString: other.url });
      await client.connect();
      try {
        const error = await applyDatabaseRoles(adminExecutor(client)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RoleSetupError);
        expect((error as RoleSetupError).problems).toEqual([
          'rooms.unplanned exists but lib/database-roles.ts does not list it (decide who may use it there)',
        ]);
        // Nothing was applied: the stray grant is still there, the new table still the superuser's.
        const [state] = (
          await client.query<{ stray: boolean; mine: boolean }>(
            `SELECT has_table_privilege('renkei_identity', 'rooms.room', 'SELECT') AS stray,
                    pg_get_userbyid(relowner) = current_user AS mine FROM pg_class WHERE oid = 'rooms.unplanned'::regclass`,
          )
        ).rows;
        expect(state).toEqual({ stray: true, mine: true });
      } finally {
        await client.end();
      }
    } finally {
      await other.drop();
    }
  });

  it('takes back a privilege granted by hand outside the definition', async () => {
    const other = await createTestDatabase();
    try {
      await other.prisma.$executeRawUnsafe('GRANT SELECT, TRUNCATE ON rooms.room TO renkei_identity');
      const client = new Client({ connectionString: other.url });
      await client.connect();
      try {
        await applyDatabaseRoles(adminExecutor(client));
        const { rows } = await client.query<{ select: boolean; truncate: boolean }>(
          `SELECT has_table_privilege('renkei_identity', 'rooms.room', 'SELECT') AS select,
                  has_table_privilege('renkei_identity', 'rooms.room', 'TRUNCATE') AS truncate`,
        );
        expect(rows).toEqual([{ select: false, truncate: false }]);
      } finally {
        await client.end();
      }
    } finally {
      await other.drop();
    }
  });
});

describe('npm run db:roles (scripts/db-roles.ts, a real process)', () => {
  async function dbRoles(env: Record<string, string>, args: string[] = []) {
    const run = spawnEntry('scripts/db-roles.ts', minimalEnv(env), args);
    try {
      return await run.waitForExit(60_000);
    } finally {
      run.killGroup();
    }
  }

  it('applies the roles to a database and says what it did; a second run changes nothing', async () => {
    const first = await dbRoles({ DATABASE_URL: db.url });
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const second = await dbRoles({ DATABASE_URL: db.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(
      [
        'roles: all present',
        'passwords: unchanged',
        `ownership moved to ${ownerRole}: 0 object(s)`,
        `grants applied: ${Object.values(serviceRoles).join(', ')}`,
        '',
      ].join('\n'),
    );
  }, 120_000);

  it('--migrate on an empty database: prepares the roles, applies the migrations as the owner, then grants', async () => {
    const name = uniqueName(databasePrefix);
    const admin = new Client({ connectionString: adminDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = databaseUrlFor(name);
      const run = await dbRoles(
        { DATABASE_URL: url, OWNER_DATABASE_URL: roleDatabaseUrl(url, ownerRole, `${ownerRole}-test`) },
        ['--migrate'],
      );
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      const all = readMigrations().map((m) => m.name);
      expect(run.stdout).toContain(`migrations as ${ownerRole}\n`);
      expect(run.stdout).toContain(
        `${all.map((m) => `applied ${m}`).join('\n')}\n${all.length} migration(s) applied\n`,
      );
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const owners = await client.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = ANY($1)`, [
          [...schemaNames],
        ]);
        expect(owners.rows).toEqual([{ tableowner: ownerRole }]);
        const migrations = await client.query('SELECT migration_name FROM "_prisma_migrations" ORDER BY 1');
        expect(migrations.rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(all);
        const grants = await client.query(
          `SELECT privilege_type FROM information_schema.role_table_grants
            WHERE grantee = $1 AND table_schema = 'rooms' AND table_name = 'room' ORDER BY 1`,
          [serviceRoles.rooms],
        );
        expect(grants.rows.map((r: { privilege_type: string }) => r.privilege_type)).toEqual(
          [...privilegesOf[roleGrants.rooms['rooms.room'] ?? 'read']].sort(),
        );
      } finally {
        await client.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);

  it('refuses a role URL that connects as another role, and --migrate without the owner URL, changing nothing', async () => {
    const before = await grantedPrivileges();
    const wrongRole = await dbRoles({
      DATABASE_URL: db.url,
      ROOMS_DATABASE_URL: roleDatabaseUrl(db.url, serviceRoles.identity, 'x'),
    });
    expect({ code: wrongRole.code, stderr: wrongRole.stderr }).toEqual({
      code: 1,
      stderr: 'Renkei cannot start:\n  - ROOMS_DATABASE_URL: must connect as renkei_rooms, not renkei_identity\n',
    });
    const noOwner = await dbRoles({ DATABASE_URL: db.url }, ['--migrate']);
    expect({ code: noOwner.code, stderr: noOwner.stderr }).toEqual({
      code: 1,
      stderr:
        'Renkei cannot start:\n  - OWNER_DATABASE_URL: is required with --migrate (the migrations run as the owner)\n',
    });
    const noDatabase = await dbRoles({});
    expect({ code: noDatabase.code, stderr: noDatabase.stderr }).toEqual({
      code: 1,
      stderr: 'Renkei cannot start:\n  - DATABASE_URL: is required for this service\n',
    });
    expect(await grantedPrivileges()).toEqual(before);
  }, 120_000);
});
