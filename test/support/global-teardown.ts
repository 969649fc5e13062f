import { Client } from 'pg';
import fs from 'node:fs';
import { removeCompiledTree } from './compiled-tree';
import { adminDatabaseUrl, bootstrapSecretsFile, caTemplateDir, databasePrefix, templateDatabase } from './environment';

export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    // Test files drop their own databases; this catches any this run left behind after a crash.
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [`${databasePrefix}_`],
    );
    for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
  } finally {
    await admin.end();
    fs.rmSync(caTemplateDir, { recursive: true, force: true });
    fs.rmSync(bootstrapSecretsFile, { force: true });
    removeCompiledTree();
  }
}
