// `npm run ca:renew`: renews the network CA's certificate in CA_DIR with
// the same key (lib/pki/certificate-authority.ts says why nothing that it
// issued needs re-issuing), keeps the one it replaces beside it, and says
// what to restart and hand out. README, Operations: "Key rotation and
// certificate renewal".
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { renewCaCertificate } from '../lib/pki/certificate-authority';
import { formatStartupProblems, StartupError } from '../lib/startup-error';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const renewed = await renewCaCertificate(config.caDir);
  // The copies init-secrets keeps (CA_CERT_FILE, EXCHANGE_KEYS_DIR/ca.crt) get the renewed certificate too.
  const pem = fs.readFileSync(path.join(config.caDir, 'ca.crt'), 'utf8');
  const copies = [config.caCertFile, config.exchangeKeysDir && path.join(config.exchangeKeysDir, 'ca.crt')].filter(
    (file): file is string => Boolean(file),
  );
  for (const file of copies) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, pem, { mode: 0o644 });
    fs.renameSync(temporary, file);
  }
  process.stdout.write(
    [
      `Network CA renewed: ${config.caDir}/ca.crt, valid until ${renewed.notAfter.toISOString()}`,
      `  fingerprint (SHA-256): ${renewed.fingerprint}`,
      `  the certificate it replaces: ${renewed.previousFile}`,
      ...copies.map((file) => `  copied to ${file}`),
      'Next: restart identity, the gateway(s) and the worker(s) (they read the CA certificate at start), copy ca.crt',
      'wherever else it is kept, and hand it to every place that trusts it as a root (browsers reaching the gateway).',
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
