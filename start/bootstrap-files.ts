// On a network's first start, the first system administrator's one-time
// password and terminal certificate are written to DATA_DIR/bootstrap
// (readable by the owner only) instead of a log, and the operator is told
// where they are. Delete the folder once the administrator has signed in.
import fs from 'node:fs';
import path from 'node:path';
import type { BootstrapSecrets } from '../subgraphs/identity/services/bootstrap-service';

export function writeBootstrapFiles(dataDir: string, caDir: string, secrets: BootstrapSecrets): string {
  const dir = path.join(dataDir, 'bootstrap');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p12 = path.join(dir, 'system-admin.p12');
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
  return `\nFirst start: the system administrator's account and terminal certificate are in ${dir}\n(see ${credentials}; delete the folder after the first sign-in).\n`;
}
