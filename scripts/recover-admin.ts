// npm run recover-admin -- --account <account ID>
//
// For a system administrator who lost the terminal certificate or the
// password when no other administrator can help: run on the server, with the
// database and the CA (subgraphs/identity/services/recovery-service.ts has
// the rules). With DATABASE_URL it uses that database; without it the
// embedded one under DATA_DIR, which npm start must not hold at the time.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { connectPostgres, openEmbeddedPostgres, type Database } from '../lib/database';
import { lockDataDir } from '../lib/data-dir-lock';
import { openCertificateAuthority } from '../lib/pki/certificate-authority';
import { formatStartupProblems, StartupError } from '../lib/startup-error';
import { RecoveryRefused, recoverSystemAdmin } from '../subgraphs/identity/services/recovery-service';
import { identitySettingsFrom } from '../subgraphs/identity/settings';
import { writeRecoveryFiles } from '../start/bootstrap-files';

const usage = 'usage: npm run recover-admin -- --account <account ID of a system administrator>';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { account: { type: 'string' } }, strict: true });
  if (!values.account) throw new StartupError([usage]);
  const config = loadConfig(process.env);
  let db: Database;
  let unlock = () => {};
  if (config.databaseUrl) {
    db = connectPostgres(config.databaseUrl, 1);
  } else {
    unlock = lockDataDir(config.dataDir);
    db = await openEmbeddedPostgres(config.dataDir);
  }
  try {
    const ca = await openCertificateAuthority(config.caDir);
    const now = new Date();
    const secrets = await recoverSystemAdmin(
      {
        db: db.prisma,
        settings: identitySettingsFrom(config.identity, config.clientCertMode !== 'off'),
        ca,
        now: () => now,
      },
      values.account,
      { osUser: os.userInfo().username, host: os.hostname() },
    );
    process.stdout.write(writeRecoveryFiles(config.dataDir, config.caDir, secrets, now));
  } finally {
    await db.close();
    unlock();
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  const parseError = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
  if (error instanceof RecoveryRefused || parseError) {
    process.stderr.write(`Renkei cannot recover that account: ${(error as Error).message}\n${usage}\n`);
    process.exit(1);
  }
  throw error;
});
