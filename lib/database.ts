// Opens the one database a process uses: a PostgreSQL server through
// node-postgres when DATABASE_URL is set, otherwise embedded PostgreSQL
// (PGlite) under DATA_DIR, migrated on open. PGlite is a single connection
// owned by this process, which is why the embedded start is all-in-one.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { Client } from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import { applyMigrations, type SqlExecutor } from './migrations';
import { redactUrl } from './config';

export type { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  /** Where the data lives, safe to print. */
  location: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// errorFormat 'minimal': otherwise Prisma captures a stack trace (new Error) on every query, to point
// a failed query's message at the calling line. Our code reads a Prisma error's code, never that
// message, and logs no source frames; on this machine the capture was 20–55 µs of CPU per statement
// (121 against 141–177 µs for a raw SELECT, .micro measurement 2026-12-06), more with deeper stacks.
export const prismaErrorFormat = 'minimal';

export function connectPostgres(databaseUrl: string, poolSize = 10): Database {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }),
    errorFormat: prismaErrorFormat,
  });
  return {
    prisma,
    location: redactUrl(databaseUrl),
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: () => prisma.$disconnect(),
  };
}

// PGlite runs one statement or transaction at a time, so a transaction waits for every one queued
// before it: Prisma's default wait to begin (2 s, sized for a pool of connections) refused
// concurrent approvals with P2028 while the demo seeded the network on a busy machine (CI
// 2026-12-06). The embedded start serves one installation's few users; waiting is its normal case.
const embeddedTransactionMaxWaitMs = 15_000;

export async function openEmbeddedPostgres(dataDir: string): Promise<Database & { migrationsApplied: string[] }> {
  const dir = path.join(dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  const executor: SqlExecutor = {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
  };
  const migrationsApplied = await applyMigrations(executor);
  const prisma = new PrismaClient({
    adapter: new PrismaPGlite(pglite),
    errorFormat: prismaErrorFormat,
    transactionOptions: { maxWait: embeddedTransactionMaxWaitMs },
  });
  return {
    prisma,
    location: `embedded PostgreSQL in ${dir}`,
    migrationsApplied,
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/** A node-postgres client as a migration executor (tests, tooling). */
export async function withPgClient<T>(databaseUrl: string, fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn({
      exec: async (sql) => {
        await client.query(sql);
      },
      query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
    });
  } finally {
    await client.end();
  }
}
