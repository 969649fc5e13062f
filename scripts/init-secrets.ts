// One-shot set-up for a production deployment (docker-compose's `init`
// service, or by hand before the first start): creates the network's
// certificate authority in CA_DIR and the gateway's internal-token key pair
// next to it, unless they exist. It never overwrites either.
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { ensureInternalKeyFiles } from '../lib/access/key-files';
import { openCertificateAuthority } from '../lib/pki/certificate-authority';
import { formatStartupProblems, StartupError } from '../lib/startup-error';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await openCertificateAuthority(config.caDir);
  const keyDir = path.dirname(
    config.internalTokenKeyFile ?? path.join(config.caDir, '..', 'keys', 'internal-token.key'),
  );
  const keys = await ensureInternalKeyFiles(keyDir);
  process.stdout.write(
    `Network CA: ${path.join(config.caDir, 'ca.crt')}\nInternal token keys: ${keys.privateKeyFile} (gateway), ${keys.publicKeyFile} (subgraphs)${keys.created ? ' [created]' : ''}\n`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  throw error;
});
