// Reading the internal-token keys in production mode (files written by
// `init-secrets`, mounted into each container). A missing or unreadable
// file is a StartupError naming the variable.
//
// Keys rotate without a restart: the gateway's signer and each subgraph's
// verifier re-read their file when the process gets SIGHUP
// (lib/service-process.ts). A file that cannot be used then is logged and
// the keys in use stay, so a mistake during a rotation never stops traffic.
import fs from 'node:fs';
import path from 'node:path';
import {
  generateInternalKeyPair,
  internalKeyId,
  internalKeyRing,
  internalTokenSigner,
  internalTokenVerifier,
  InvalidInternalKeys,
  type InternalKeyPair,
  type SignInternalToken,
  type VerifyInternalToken,
} from './internal-token';
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

/** A signer or verifier that can re-read its key file; `reload` resolves with the key ids now in use. */
export interface ReloadableKeys<F> {
  use: F;
  reload(): Promise<string[]>;
}

async function signerFrom(file: string, variable: string): Promise<{ sign: SignInternalToken; kids: string[] }> {
  const pem = readKeyFile(file, variable);
  try {
    return { sign: await internalTokenSigner(pem), kids: [await internalKeyId(pem)] };
  } catch {
    throw new StartupError([`${variable}: ${file} is not an Ed25519 private key (PKCS#8 PEM)`]);
  }
}

async function verifierFrom(file: string, variable: string): Promise<{ verify: VerifyInternalToken; kids: string[] }> {
  const pem = readKeyFile(file, variable);
  try {
    const kids = (await internalKeyRing(pem)).map((entry) => entry.kid);
    return { verify: await internalTokenVerifier(pem), kids };
  } catch (error) {
    if (error instanceof InvalidInternalKeys) throw new StartupError([`${variable}: ${file} ${error.problem}`]);
    throw error;
  }
}

/** The gateway's signer over INTERNAL_TOKEN_KEY_FILE; reload() switches to the key the file holds now. */
export async function openInternalTokenSigner(
  file: string | undefined,
  variable = 'INTERNAL_TOKEN_KEY_FILE',
): Promise<ReloadableKeys<SignInternalToken>> {
  if (!file) throw new StartupError([`${variable}: is required for this service`]);
  let current = await signerFrom(file, variable);
  return {
    use: (principal) => current.sign(principal),
    reload: async () => {
      current = await signerFrom(file, variable);
      return current.kids;
    },
  };
}

/** A subgraph's verifier over INTERNAL_TOKEN_PUBLIC_KEY_FILE (one or two public keys); reload() re-reads it. */
export async function openInternalTokenVerifier(
  file: string | undefined,
  variable = 'INTERNAL_TOKEN_PUBLIC_KEY_FILE',
): Promise<ReloadableKeys<VerifyInternalToken>> {
  if (!file) throw new StartupError([`${variable}: is required for this service`]);
  let current = await verifierFrom(file, variable);
  return {
    use: (token) => current.verify(token),
    reload: async () => {
      current = await verifierFrom(file, variable);
      return current.kids;
    },
  };
}
