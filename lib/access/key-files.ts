// Reading the internal-token keys in production mode (files written by
// `init-secrets`, mounted into each container). A missing or unreadable
// file is a StartupError naming the variable.
import fs from 'node:fs';
import path from 'node:path';
import { generateInternalKeyPair, type InternalKeyPair } from './internal-token';
import { StartupError } from '../startup-error';

export function readKeyFile(file: string | undefined, variable: string): string {
  if (!file) throw new StartupError([`${variable}: is required for this service`]);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StartupError([`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

/** Writes a new key pair into dir unless one is there; returns the file paths. */
export async function ensureInternalKeyFiles(
  dir: string,
): Promise<{ privateKeyFile: string; publicKeyFile: string; created: boolean }> {
  const privateKeyFile = path.join(dir, 'internal-token.key');
  const publicKeyFile = path.join(dir, 'internal-token.pub');
  if (fs.existsSync(privateKeyFile) && fs.existsSync(publicKeyFile))
    return { privateKeyFile, publicKeyFile, created: false };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: InternalKeyPair = await generateInternalKeyPair();
  fs.writeFileSync(privateKeyFile, keys.privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(publicKeyFile, keys.publicKeyPem, { mode: 0o644 });
  return { privateKeyFile, publicKeyFile, created: true };
}
