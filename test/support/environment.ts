// Where tests find PostgreSQL and Redis: DATABASE_URL and REDIS_URL, or the
// local services. Each test file gets its own database (cloned from a
// migrated template) and its own BullMQ prefix.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export const adminDatabaseUrl =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * One jest run's own names: the global setup picks a run id, so concurrent
 * runs on one PostgreSQL (two terminals, a helper) never drop each other's
 * databases.
 */
export const runId = (process.env.RENKEI_TEST_RUN ??= randomBytes(3).toString('hex'));
export const templateDatabase = `renkei_tpl_${runId}`;
export const databasePrefix = `renkei_t_${runId}`;

/**
 * A certificate authority made once per run by the global setup: each test
 * system copies it into its own directory instead of generating a CA key
 * (a few hundred milliseconds per file). Tests about the CA itself open their own.
 */
export const caTemplateDir = path.join(os.tmpdir(), `renkei-test-ca-${runId}`);

/**
 * The template database is a freshly bootstrapped network (its first system
 * administrator and that admin's terminal certificate, issued by the CA
 * template): the global setup writes the one-time secrets here, for the few
 * tests that sign in as that administrator.
 */
export const bootstrapSecretsFile = path.join(os.tmpdir(), `renkei-test-bootstrap-${runId}.json`);

export function databaseUrlFor(database: string): string {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
