// What the audit scripts share: the database (DATABASE_URL, or the embedded
// one under DATA_DIR, which npm start must not hold at the time) and where the
// checkpoint key and files are (flags, or AUDIT_CHECKPOINT_KEY_FILE and
// AUDIT_CHECKPOINT_DIR, by default under DATA_DIR).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { connectPostgres, openEmbeddedPostgres, type Database } from '../lib/database';
import { lockDataDir } from '../lib/data-dir-lock';
import type { SyslogTarget } from '../lib/audit/checkpoint-syslog';

export interface AuditOptions {
  keyFile: string;
  checkpointDir: string;
  publicKeyFile: string;
  /** AUDIT_CHECKPOINT_SYSLOG: audit:checkpoint forwards each signed line there too. */
  syslog: SyslogTarget | null;
}

export function auditOptions(argv: string[]): AuditOptions {
  const { values } = parseArgs({
    args: argv,
    options: { key: { type: 'string' }, dir: { type: 'string' }, 'public-key': { type: 'string' } },
    strict: true,
  });
  const { auditCheckpoints } = loadConfig(process.env);
  const keyFile = values.key ? path.resolve(values.key) : auditCheckpoints.keyFile;
  return {
    keyFile,
    checkpointDir: values.dir ? path.resolve(values.dir) : auditCheckpoints.checkpointDir,
    publicKeyFile: path.resolve(values['public-key'] ?? `${keyFile}.pub`),
    syslog: auditCheckpoints.syslog,
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
