// The first system administrator's one-time password and terminal
// certificate (written on a network's first start) and a recovered
// administrator's (scripts/recover-admin.ts) go to files readable by the
// owner only, never to a log, and the operator is told where they are.
// The certificate is the administrator's only way in: the message says to
// keep it safe once installed, and how to recover if it is lost.
import fs from 'node:fs';
import path from 'node:path';
import { adminCertificateFileName, type BootstrapSecrets } from '../subgraphs/identity/services/bootstrap-service';

function writeAdminFiles(dir: string, caDir: string, secrets: BootstrapSecrets): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p12 = path.join(dir, adminCertificateFileName);
  const credentials = path.join(dir, 'system-admin.txt');
  fs.writeFileSync(p12, secrets.pkcs12, { mode: 0o600 });
  fs.writeFileSync(
    credentials,
    [
      `account ID:          ${secrets.accountId}`,
      `initial password:    ${secrets.initialPassword}   (must be changed at first sign-in)`,
      `certificate:         ${p12}`,
      `certificate passphrase: ${secrets.passphrase}`,
      `network CA:          ${path.join(caDir, 'ca.crt')}`,
      '',
      secrets.instructions,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return credentials;
}

const keepItSafe = (accountId: string) =>
  `Sign in, import ${adminCertificateFileName} into the administrator's browser, then move this folder to safe\n` +
  `offline storage: it holds the administrator's only terminal certificate. If it is lost:\n` +
  `  npm run recover-admin -- --account ${accountId}\n`;

export function writeBootstrapFiles(dataDir: string, caDir: string, secrets: BootstrapSecrets): string {
  const dir = path.join(dataDir, 'bootstrap');
  const credentials = writeAdminFiles(dir, caDir, secrets);
  return `\nFirst start: the system administrator's account and terminal certificate are in ${dir}\n(see ${credentials}).\n${keepItSafe(secrets.accountId)}`;
}

/** A recovered administrator's files: a folder of their own, so earlier files are never overwritten. */
export function writeRecoveryFiles(dataDir: string, caDir: string, secrets: BootstrapSecrets, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const dir = path.join(dataDir, 'recovery', `${secrets.accountId}-${stamp}`);
  const credentials = writeAdminFiles(dir, caDir, secrets);
  return `\n${secrets.accountId} recovered: a new terminal certificate and one-time password are in ${dir}\n(see ${credentials}). Its sessions have ended and its earlier certificates still work until revoked.\n${keepItSafe(secrets.accountId)}`;
}
