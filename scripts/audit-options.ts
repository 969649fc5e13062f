// What the audit scripts share: the database (DATABASE_URL, or the embedded
// one under DATA_DIR, which npm start must not hold at the time) and where the
// checkpoint key and files are (flags, defaulting under DATA_DIR).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { connectPostgres, openEmbeddedPostgres, type Database } from '../lib/database';
import { lockDataDir } from '../lib/data-dir-lock';

export interface AuditOptions {
  keyFile: string;
  checkpointDir: string;
  publicKeyFile: string;
}

export function auditOptions(argv: string[]): AuditOptions {
  const { values } = parseArgs({
    args: argv,
    options: { key: { type: 'string' }, dir: { type: 'string' }, 'public-key': { type: 'string' } },
    strict: true,
  });
  const { dataDir } = loadConfig(process.env);
  const keyFile = path.resolve(values.key ?? path.join(dataDir, 'keys', 'audit-checkpoint.key'));
  return {
    keyFile,
    checkpointDir: path.resolve(values.dir ?? path.join(dataDir, 'audit-checkpoints')),
    publicKeyFile: path.resolve(values['public-key'] ?? `${keyFile}.pub`),
  };
}

export async function openAuditDatabase(): Promise<{ db: Database; close(): Promise<void> }> {
  const config = loadConfig(process.env);
  if (config.databaseUrl) {
    const db = connectPostgres(config.databaseUrl, 2);
    return { db, close: () => db.close() };
  }
  const unlock = lockDataDir(config.dataDir);
  const db = await openEmbeddedPostgres(config.dataDir);
  return {
    db,
    close: async () => {
      await db.close();
      unlock();
    },
  };
}
