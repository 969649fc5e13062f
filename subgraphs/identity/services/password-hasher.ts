// Password hashing: Argon2id with the parameters of the OWASP Password
// Storage Cheat Sheet (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html):
// "a minimum configuration of 19 MiB of memory, an iteration count of 2, and
// 1 degree of parallelism" (m=19456 KiB, t=2, p=1), a 16-byte random salt
// per hash and a 32-byte output, stored as one PHC string
// ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) that carries its own
// parameters, so raising them later only needs needsRehash on sign-in.
//
// Passwords are NFKC-normalized first (normalizePassword, as the password
// policy measures them), so full- and half-width input match.
//
// dummyVerify lets the sign-in service spend the time of a real check when
// the account ID is unknown, so that answer is as slow as a wrong password
// (see lockout-rules.ts for the single refusal).
import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { normalizePassword } from '../domain/password-policy';

// @node-rs/argon2 declares Algorithm as an ambient const enum, which an
// isolatedModules build cannot read at run time: 2 is its Argon2id.
const argon2id = 2 as Algorithm;

export const passwordHashParameters = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

const options: Options = { ...passwordHashParameters, algorithm: argon2id };

/** A new PHC-format Argon2id hash of the password, with a fresh random salt. */
export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), options);
}

/** Whether the password matches the hash: false for a wrong password and for a malformed hash; never throws for either. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, normalizePassword(password));
  } catch {
    return false;
  }
}

/** Whether a hash that just verified should be replaced by hashPassword's (other algorithm or parameters, or unreadable). */
export function needsRehash(storedHash: string): boolean {
  try {
    const used = parseOptions(storedHash);
    return (
      used.algorithm !== argon2id ||
      used.memoryCost !== passwordHashParameters.memoryCost ||
      used.timeCost !== passwordHashParameters.timeCost ||
      used.parallelism !== passwordHashParameters.parallelism ||
      used.outputLen !== passwordHashParameters.outputLen
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of verifyPassword against a current-parameter hash of a
 * random password nobody knows, and answers false. For an unknown account
 * ID. The hash is made on the first call (which therefore takes about twice
 * as long, once per process).
 */
export async function dummyVerify(password: string = ''): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url')).catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  await verifyPassword(await dummyHash, password);
  return false;
}
