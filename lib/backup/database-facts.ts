// What the manifest records about the database and what restore checks: the
// server's version, the migrations applied (Prisma's _prisma_migrations), and
// the row count of every table in every schema, read in the same snapshot the
// dump is taken from so the counts describe exactly what the archive holds.
import type { Client } from 'pg';

const userSchemas = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export async function tableCounts(client: Client): Promise<Record<string, number>> {
  const tables = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND ${userSchemas} ORDER BY 1, 2`,
  );
  const counts: Record<string, number> = {};
  for (const { schema, name } of tables.rows) {
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(schema)}.${quote(name)}`);
    counts[`${schema}.${name}`] = Number(result.rows[0]!.n);
  }
  return counts;
}

export async function appliedMigrations(client: Client): Promise<string[]> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
  if (!exists.rows[0]?.t) return [];
  const rows = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.rows.map((r) => r.migration_name);
}

export async function serverVersion(client: Client): Promise<string> {
  return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
}

/** What already lives in the database: its tables, views, sequences and schemas besides an empty public. */
export async function databaseContents(client: Client): Promise<string[]> {
  const relations = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${userSchemas} ORDER BY 1 LIMIT 5`,
  );
  const schemas = await client.query<{ name: string }>(
    `SELECT n.nspname AS name FROM pg_namespace n WHERE ${userSchemas} AND n.nspname <> 'public' ORDER BY 1 LIMIT 5`,
  );
  return [...schemas.rows.map((r) => `schema ${r.name}`), ...relations.rows.map((r) => r.name)];
}
