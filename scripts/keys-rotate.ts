// `npm run keys:rotate -- <internal-token|exchange> [add|promote|retire]`:
// one step of a key rotation (README, Operations: "Key rotation and
// certificate renewal"). Each step changes files only, prints the key ids
// and says which processes to send SIGHUP before the next step; a step that
// would break a running system (promoting a key the verifiers do not hold,
// retiring inside the window) is refused with the reason, exit code 1.
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { rotateInternalKey } from '../lib/access/internal-key-rotation';
import { RotationRefused } from '../lib/access/key-rotation-files';
import type { RotationStep } from '../lib/access/key-ring';
import { rotateExchangeKeys } from '../lib/exchange/exchange-key-rotation';
import { formatStartupProblems, StartupError } from '../lib/startup-error';

const usage = 'usage: npm run keys:rotate -- <internal-token|exchange> [add|promote|retire]   (default: add)';
const steps: readonly RotationStep[] = ['add', 'promote', 'retire'];

async function main(): Promise<void> {
  const [which, stepArg = 'add'] = process.argv.slice(2);
  const step = steps.find((s) => s === stepArg);
  if ((which !== 'internal-token' && which !== 'exchange') || !step) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  const config = loadConfig(process.env);
  if (which === 'internal-token') {
    // The same defaults as init-secrets: DATA_DIR/keys beside the CA unless the variables say otherwise.
    const privateKeyFile = config.internalTokenKeyFile ?? path.join(config.caDir, '..', 'keys', 'internal-token.key');
    const publicKeyFile =
      config.internalTokenPublicKeyFile ?? path.join(path.dirname(privateKeyFile), 'internal-token.pub');
    const outcome = await rotateInternalKey(step, { privateKeyFile, publicKeyFile });
    process.stdout.write(
      `internal-token ${step}: the gateway signs with ${outcome.signerKid}; the subgraphs' file holds ${outcome.verifierKids.join(', ')}\n${outcome.next}\n`,
    );
    return;
  }
  // The worker's copy of CA_DIR (EXCHANGE_KEYS_DIR, written by init-secrets) follows each step.
  const outcome = await rotateExchangeKeys(step, config.caDir, new Date(), config.exchangeKeysDir);
  process.stdout.write(
    `exchange ${step}: signing ${outcome.signing.join(', ')}; published only ${outcome.publishedOnly.join(', ') || '(none)'}\n${outcome.next}\n`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof RotationRefused) {
    process.stderr.write(`Not rotated: ${error.problem}\n`);
    process.exit(1);
  }
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  throw error;
});
