// One-shot set-up for a production deployment (docker-compose's `init`
// service, or by hand before the first start): lib/init-secrets.ts says what
// it creates (the CA and the keys beside it, the internal-token key pair, the
// public copies and the server certificate). It never overwrites a key.
import { loadConfig } from '../lib/config';
import { initSecrets } from '../lib/init-secrets';
import { formatStartupProblems, StartupError } from '../lib/startup-error';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  process.stdout.write(`${(await initSecrets(config)).join('\n')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  throw error;
});
