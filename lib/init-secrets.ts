// What a production deployment's one-shot `init` step prepares before any
// service starts (scripts/init-secrets.ts; docker-compose's `init`, or by hand):
// - the network CA in CA_DIR, with everything else that lives beside it and
//   is otherwise created by whichever process starts first (our exchange and
//   client-assertion keys, the partner-key KEK), so that identity and the
//   worker can mount CA_DIR read-only and never race to create them;
// - the internal-token key pair in INTERNAL_TOKEN_KEY_FILE's directory, and a
//   copy of its public half at INTERNAL_TOKEN_PUBLIC_KEY_FILE when that is set
//   elsewhere (the subgraphs then never see the private key's directory);
// - with CA_CERT_FILE, a copy of the CA's certificate there, rewritten at each
//   run so a renewed CA reaches the processes that only verify;
// - with EXCHANGE_KEYS_DIR, a copy of every file in CA_DIR but the CA's
//   private key (the CA certificate, our exchange and client-assertion keys,
//   the partner-key KEK), rewritten at each run: the worker's CA_DIR, so the
//   process that partners reach signs and opens what it must without being
//   able to issue a certificate;
// - with TLS_CERT_FILE and TLS_KEY_FILE, a server certificate for
//   TLS_HOSTNAMES issued from the CA when neither file exists (an operator's
//   own certificate there is kept; so is an earlier one).
// It never overwrites a key.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import { ensureInternalKeyFiles } from './access/key-files';
import { openAssertionKey, openExchangeKey } from './exchange/exchange-key';
import { openPartnerKeyVault } from './exchange/partner-key-vault';
import { openCertificateAuthority } from './pki/certificate-authority';
import { StartupError } from './startup-error';

export type InitSecretsSettings = Pick<
  Config,
  | 'caDir'
  | 'caCertFile'
  | 'exchangeKeysDir'
  | 'tlsFiles'
  | 'tlsHostnames'
  | 'internalTokenKeyFile'
  | 'internalTokenPublicKeyFile'
>;

/** One line per file, for the operator. */
export async function initSecrets(config: InitSecretsSettings): Promise<string[]> {
  const report: string[] = [];
  const ca = await openCertificateAuthority(config.caDir);
  await openExchangeKey(config.caDir);
  await openAssertionKey(config.caDir);
  openPartnerKeyVault(config.caDir);
  report.push(`Network CA and exchange keys: ${config.caDir}`);

  const keyDir = path.dirname(
    config.internalTokenKeyFile ?? path.join(config.caDir, '..', 'keys', 'internal-token.key'),
  );
  const keys = await ensureInternalKeyFiles(keyDir);
  report.push(`Internal token key: ${keys.privateKeyFile} (gateway)${keys.created ? ' [created]' : ''}`);
  const publicKeyFile = config.internalTokenPublicKeyFile
    ? path.resolve(config.internalTokenPublicKeyFile)
    : keys.publicKeyFile;
  if (publicKeyFile !== keys.publicKeyFile) writePublic(publicKeyFile, fs.readFileSync(keys.publicKeyFile, 'utf8'));
  report.push(`Internal token public key: ${publicKeyFile} (subgraphs)`);

  if (config.caCertFile) {
    writePublic(config.caCertFile, ca.caCertificatePem);
    report.push(`Network CA certificate alone: ${config.caCertFile}`);
  }

  if (config.exchangeKeysDir) {
    const copied = copyWithoutCaKey(config.caDir, config.exchangeKeysDir);
    report.push(`CA_DIR without the CA key (${copied.join(', ')}): ${config.exchangeKeysDir}`);
  }

  if (config.tlsFiles) {
    const { certFile, keyFile } = config.tlsFiles;
    const present = [certFile, keyFile].filter((file) => fs.existsSync(file));
    if (present.length === 1)
      throw new StartupError([
        `TLS_CERT_FILE, TLS_KEY_FILE: ${present[0]} exists but its pair does not; restore it, or remove it to have a new certificate issued`,
      ]);
    if (present.length === 0) {
      const issued = ca.issueServerCertificate(config.tlsHostnames);
      fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
      fs.writeFileSync(keyFile, issued.keyPem, { mode: 0o600, flag: 'wx' });
      writePublic(certFile, issued.certificatePem);
      report.push(`Server certificate for ${config.tlsHostnames.join(', ')}: ${certFile} [created]`);
    } else {
      report.push(`Server certificate: ${certFile} (kept)`);
    }
  }
  return report;
}

/** Every regular file of CA_DIR but ca.key, each with its own mode (keys stay 0600). */
function copyWithoutCaKey(caDir: string, target: string): string[] {
  if (path.resolve(caDir) === path.resolve(target))
    throw new StartupError(['EXCHANGE_KEYS_DIR: must not be CA_DIR itself (it is a copy without the CA key)']);
  fs.mkdirSync(target, { recursive: true, mode: 0o700 });
  const files = fs
    .readdirSync(caDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'ca.key')
    .map((entry) => entry.name)
    .sort();
  for (const name of files) {
    const source = path.join(caDir, name);
    const temporary = path.join(target, `.${name}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, fs.readFileSync(source), { mode: fs.statSync(source).mode & 0o777 });
    fs.renameSync(temporary, path.join(target, name));
  }
  return files;
}

/** A public file (a certificate, a public key): replaced whole, readable by every process that mounts it. */
function writePublic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode: 0o644 });
  fs.renameSync(temporary, file);
}
