// New account IDs and one-time initial passwords, as handed to a person on
// paper or read out by a facility manager: drawn from alphabets without the
// characters that are easy to confuse (0/O/o, 1/l/I/i), so they can be
// typed back without a second try.
//
// Account IDs are not secrets (uniqueness is the database's job: retry on a
// conflict); they are lower case so they can be typed without the shift key,
// and sign-in folds what is typed with normalizeAccountId. Initial passwords
// are secrets: 16 characters from 55 give about 92 bits, and each one is
// checked against the password policy like any other password. They are
// valid only until the first sign-in, which must change them.
//
// Characters are drawn by rejection sampling, so every character of the
// alphabet is equally likely (a plain byte % length would favour some).
// Randomness is the one impure input, and it can be passed in.
import { randomBytes } from 'node:crypto';
import { passwordProblems, type PasswordContext } from './password-policy';

export type RandomBytes = (size: number) => Uint8Array;

/** Digits and lower-case letters without 0, 1, i, l, o. */
export const accountIdAlphabet = '23456789abcdefghjkmnpqrstuvwxyz';
/** Digits, upper and lower case without 0, 1, I, O, i, l, o. */
export const initialPasswordAlphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz';

export const defaultAccountIdPrefix = 'tk';
const accountIdBodyLength = 8;
const initialPasswordLength = 16;

/** A new account ID: the prefix ('tk' unless given) and 8 characters of accountIdAlphabet. */
export function newAccountId(options: { prefix?: string; random?: RandomBytes } = {}): string {
  const prefix = options.prefix ?? defaultAccountIdPrefix;
  return prefix + randomString(accountIdAlphabet, accountIdBodyLength, options.random ?? randomBytes);
}

/** Folds what a person typed as an account ID into its stored form (NFKC, so full-width input works; trimmed; lower case). */
export function normalizeAccountId(input: string): string {
  return input.normalize('NFKC').trim().toLowerCase();
}

/** Whether a (normalized) account ID has the shape newAccountId gives, so malformed input can be refused before any lookup. */
export function isWellFormedAccountId(accountId: string, prefix: string = defaultAccountIdPrefix): boolean {
  const body = accountId.slice(prefix.length);
  return (
    accountId.startsWith(prefix) &&
    body.length === accountIdBodyLength &&
    [...body].every((char) => accountIdAlphabet.includes(char))
  );
}

/**
 * A one-time initial password: 16 characters of initialPasswordAlphabet (or
 * more if the policy's minLength asks for it), drawn again until it passes
 * the password policy for this account.
 */
export function newInitialPassword(context: PasswordContext, random: RandomBytes = randomBytes): string {
  const length = Math.min(Math.max(initialPasswordLength, context.policy.minLength), context.policy.maxLength);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const candidate = randomString(initialPasswordAlphabet, length, random);
    if (passwordProblems(candidate, context).length === 0) return candidate;
  }
  // Only reachable with a broken random source or an impossible policy.
  throw new Error('could not draw an initial password that passes the password policy');
}

function randomString(alphabet: string, length: number, random: RandomBytes): string {
  // Bytes at or above the largest multiple of the alphabet size are thrown
  // away, so the remainder is uniform.
  const limit = 256 - (256 % alphabet.length);
  let result = '';
  while (result.length < length) {
    for (const byte of random(length * 2)) {
      if (byte >= limit) continue;
      result += alphabet[byte % alphabet.length];
      if (result.length === length) break;
    }
  }
  return result;
}
