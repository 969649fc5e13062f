// Once per jest run: (re)build the migrated template database that every
// test file clones. Cloning a template takes milliseconds; migrating a
// fresh database per file would not.
import { Client } from 'pg';
import { withPgClient } from '../../lib/database';
import { applyMigrations } from '../../lib/migrations';
import fs from 'node:fs';
import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import { adminDatabaseUrl, caTemplateDir, databaseUrlFor, templateDatabase } from './environment';

export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${templateDatabase}`);
  } finally {
    await admin.end();
  }
  await withPgClient(databaseUrlFor(templateDatabase), applyMigrations);
  fs.rmSync(caTemplateDir, { recursive: true, force: true });
  fs.mkdirSync(caTemplateDir, { mode: 0o700 });
  await openCertificateAuthority(caTemplateDir);
}
