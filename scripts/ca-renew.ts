// `npm run ca:renew`: renews the network CA's certificate in CA_DIR with
// the same key (lib/pki/certificate-authority.ts says why nothing that it
// issued needs re-issuing), keeps the one it replaces beside it, and says
// what to restart and hand out. README, Operations: "Key rotation and
// certificate renewal".
import { loadConfig } from '../lib/config';
import { renewCaCertificate } from '../lib/pki/certificate-authority';
import { formatStartupProblems, StartupError } from '../lib/startup-error';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const renewed = await renewCaCertificate(config.caDir);
  process.stdout.write(
    [
      `Network CA renewed: ${config.caDir}/ca.crt, valid until ${renewed.notAfter.toISOString()}`,
      `  fingerprint (SHA-256): ${renewed.fingerprint}`,
      `  the certificate it replaces: ${renewed.previousFile}`,
      'Next: restart identity and the gateway(s) (they read ca.crt at start), copy ca.crt wherever it is mounted',
      'separately, and hand the new ca.crt to every place that trusts it as a root (browsers reaching the gateway).',
      'Terminal certificates stay valid; those that end with the old CA certificate are re-issued as they expire.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  throw error;
});
