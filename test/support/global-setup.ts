// Once per jest run: (re)build the template database that every test file
// clones (migrated, bootstrapped with its first system administrator, and
// with the database roles' ownership and grants, which clones inherit: test
// systems connect each service as its own role), and the certificate
// authority every test system copies. Cloning a template
// takes milliseconds; migrating and bootstrapping per file would not. And the
// compiled tree the process tests start (test/support/compiled-tree.ts).
import { Client } from 'pg';
import fs from 'node:fs';
import { connectPostgres, withPgClient } from '../../lib/database';
import { applyMigrations } from '../../lib/migrations';
import { applyDatabaseRoles } from '../../lib/database-role-setup';
import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import { bootstrapSystemAdmin } from '../../subgraphs/identity/services/bootstrap-service';
import { defaultIdentitySettings } from '../../subgraphs/identity/settings';
import { buildCompiledTree } from './compiled-tree';
import { adminDatabaseUrl, bootstrapSecretsFile, caTemplateDir, databaseUrlFor, templateDatabase } from './environment';

export default async function globalSetup(): Promise<void> {
  buildCompiledTree();
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
  const ca = await openCertificateAuthority(caTemplateDir);

  // Closed before any file clones the template: CREATE DATABASE … TEMPLATE refuses a template in use.
  const template = connectPostgres(databaseUrlFor(templateDatabase), 1);
  try {
    const bootstrap = await bootstrapSystemAdmin({
      db: template.prisma,
      settings: defaultIdentitySettings,
      ca,
      now: () => new Date(),
    });
    if (!bootstrap) throw new Error('a freshly migrated template has no users, so bootstrap must run');
    fs.writeFileSync(
      bootstrapSecretsFile,
      JSON.stringify({ ...bootstrap, pkcs12: bootstrap.pkcs12.toString('base64') }),
      {
        mode: 0o600,
      },
    );
  } finally {
    await template.close();
  }
  // The roles are the server's (created once, idempotently); the grants are the template's.
  await withPgClient(databaseUrlFor(templateDatabase), (db) => applyDatabaseRoles(db));
}
