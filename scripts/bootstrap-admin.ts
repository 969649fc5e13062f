// Production counterpart of the all-in-one start's first-run step: on an
// empty network, creates the first system administrator and its terminal
// certificate and writes them to DATA_DIR/bootstrap (owner-only files).
import { connectPostgres } from '../lib/database';
import { loadConfig } from '../lib/config';
import { openCertificateAuthority } from '../lib/pki/certificate-authority';
import { formatStartupProblems, StartupError } from '../lib/startup-error';
import { bootstrapSystemAdmin } from '../subgraphs/identity/services/bootstrap-service';
import { identitySettingsFrom } from '../subgraphs/identity/settings';
import { writeBootstrapFiles } from '../start/bootstrap-files';

async function main(): Promise<void> {
  const config = loadConfig(process.env, ['DATABASE_URL']);
  const db = connectPostgres(config.databaseUrl as string, 1);
  try {
    const ca = await openCertificateAuthority(config.caDir);
    const secrets = await bootstrapSystemAdmin({
      db: db.prisma,
      settings: identitySettingsFrom(config.identity, config.clientCertMode !== 'off'),
      ca,
      now: () => new Date(),
    });
    process.stdout.write(
      secrets
        ? writeBootstrapFiles(config.dataDir, config.caDir, secrets)
        : 'The network already has users: nothing to do.\n',
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  throw error;
});
