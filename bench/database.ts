// The bench's own database: created fresh next to BENCH_DATABASE_URL's
// database, migrated with the project's runner (lib/migrations.ts, the same
// one the embedded start and the tests use) and dropped at the end.
import { Client } from 'pg';
import { withPgClient } from '../lib/database';
import { applyMigrations } from '../lib/migrations';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A copy of a database nobody is connected to (CREATE DATABASE … TEMPLATE), dropped by its `drop`. */
export async function copyBenchDatabase(
  adminUrl: string,
  source: BenchDatabase,
  suffix: string,
): Promise<BenchDatabase> {
  const name = `${source.name}_${suffix}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${source.name}`));
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => admin(adminUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase & { migrations: string[] }> {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 14);
  const name = `renkei_bench_${stamp}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl, name);
  const migrations = await withPgClient(url, applyMigrations);
  return {
    name,
    url,
    migrations,
    drop: () => admin(adminUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
