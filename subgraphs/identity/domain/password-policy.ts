// Which passwords an account may choose, in the style of NIST SP 800-63B
// §5.1.1.2 (memorized secrets): a length floor and cap, a block list of
// common and context-specific passwords, and NO composition rules (no
// "one upper case, one digit, one symbol"), which push people toward
// predictable patterns without making passwords harder to guess.
//
// The floor of 8 is the NIST figure for a password that is one factor of
// two: sign-in here also needs the terminal's network-issued client
// certificate. The cap of 128 bounds the work an attacker can make the
// hasher do while leaving room for long passphrases (NIST asks for at least
// 64). Lengths are counted in Unicode code points after NFKC normalization,
// the normalization NIST recommends: a password typed with a full-width IME
// (ｐａｓｓ) and the same one typed half-width (pass) are the same password,
// and the hasher normalizes the same way.
//
// Periodic change conflicts with current NIST advice but is required by the
// city's security rules (appendix 2-4 of the regulations); maxAgeDays carries it.
// Reuse of recent passwords can only be checked by verifying the candidate
// against each kept hash, so that check lives in the service; this module
// says how many hashes to keep and which to drop.
import { commonPasswords } from './common-passwords';
import type { Message } from '../../../lib/messages/message';

export interface PasswordPolicy {
  /** Shortest acceptable password, in code points (NIST floor: 8). */
  minLength: number;
  /** Longest acceptable password, in code points (NIST: allow at least 64). */
  maxLength: number;
  /** How many recent passwords, the current one included, a new one must differ from. */
  historyDepth: number;
  /** Days after a change when the password must be changed again. */
  maxAgeDays: number;
}

export const defaultPasswordPolicy: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 8,
  historyDepth: 5,
  maxAgeDays: 90,
  maxLength: 128,
});

export interface PasswordContext {
  accountId: string;
  displayName?: string | null;
  policy: PasswordPolicy;
  /** Whether the (normalized) password is on the common-password list; normally isCommonPassword. */
  isCommon(password: string): boolean;
}

/**
 * Every sentence the policy can answer, safe to show the person choosing a
 * password: none of them repeats the password (or the account ID).
 */
export const passwordProblemMessages = {
  tooShort: (minLength: number): Message => ({
    en: `The password must be at least ${minLength} characters long.`,
    ja: `パスワードは${minLength}文字以上にしてください。`,
  }),
  tooLong: (maxLength: number): Message => ({
    en: `The password must be at most ${maxLength} characters long.`,
    ja: `パスワードは${maxLength}文字以内にしてください。`,
  }),
  repetitive: {
    en: 'The password must not be a single character or a short group of characters repeated.',
    ja: 'パスワードを同じ文字や短い文字列の繰り返しにしないでください。',
  },
  sequential: {
    en: 'The password must not be a simple sequence such as abcdefgh or 87654321.',
    ja: 'パスワードを abcdefgh や 87654321 のような単純な並びにしないでください。',
  },
  common: {
    en: 'This password is too common and easy to guess. Choose another one.',
    ja: 'このパスワードはよく使われていて推測されやすいため使えません。別のパスワードにしてください。',
  },
  containsAccountId: {
    en: 'The password must not contain your account ID.',
    ja: 'パスワードにアカウント ID を含めないでください。',
  },
  containsName: { en: 'The password must not contain your name.', ja: 'パスワードに氏名を含めないでください。' },
  reused: (historyDepth: number): Message =>
    historyDepth <= 1
      ? {
          en: 'The new password must be different from your current password.',
          ja: '新しいパスワードは現在のパスワードと違うものにしてください。',
        }
      : {
          en: `The new password must be different from your last ${historyDepth} passwords.`,
          ja: `新しいパスワードは直近${historyDepth}回のパスワードと違うものにしてください。`,
        },
} satisfies Record<string, Message | ((n: number) => Message)>;

/** The form in which passwords are measured, compared and hashed (NFKC). */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length in code points of the normalized password: what the length rules measure. */
export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length;
}

/** The problems that make a candidate password unacceptable; empty when it is acceptable. */
export function passwordProblems(candidate: string, context: PasswordContext): Message[] {
  const { policy } = context;
  const normalized = normalizePassword(candidate);
  const folded = normalized.toLowerCase();
  const length = [...normalized].length;
  const problems: Message[] = [];

  if (length < policy.minLength) problems.push(passwordProblemMessages.tooShort(policy.minLength));
  if (length > policy.maxLength) problems.push(passwordProblemMessages.tooLong(policy.maxLength));
  if (length > 1 && isRepetitive(folded)) problems.push(passwordProblemMessages.repetitive);
  if (length > 2 && isSequential(folded)) problems.push(passwordProblemMessages.sequential);
  if (length > 0 && context.isCommon(normalized)) problems.push(passwordProblemMessages.common);

  const accountId = normalizePassword(context.accountId).trim().toLowerCase();
  if (accountId !== '' && folded.includes(accountId)) problems.push(passwordProblemMessages.containsAccountId);
  if (nameParts(context.displayName).some((part) => folded.includes(part))) {
    problems.push(passwordProblemMessages.containsName);
  }
  return problems;
}

let commonSet: ReadonlySet<string> | undefined;

/**
 * Whether the password (case-insensitively, after NFKC) is one of the 10,000
 * most common passwords of 8 characters or more (see common-passwords.ts).
 */
export function isCommonPassword(password: string): boolean {
  commonSet ??= new Set(commonPasswords);
  return commonSet.has(normalizePassword(password).toLowerCase());
}

const dayMs = 24 * 60 * 60 * 1000;

/** When a password changed at changedAt must be changed (maxAgeDays periods of 24 hours). */
export function passwordExpiresAt(changedAt: Date, policy: PasswordPolicy): Date {
  return new Date(changedAt.getTime() + policy.maxAgeDays * dayMs);
}

/** True from the moment the password reaches its maximum age. */
export function isPasswordExpired(changedAt: Date, now: Date, policy: PasswordPolicy): boolean {
  return now.getTime() >= passwordExpiresAt(changedAt, policy).getTime();
}

/**
 * How many hashes of earlier passwords to keep beside the current one.
 * historyDepth counts the current password: with 5, a new password is
 * verified against the current hash and the 4 kept before it.
 */
export function previousPasswordsToKeep(policy: PasswordPolicy): number {
  return Math.max(0, policy.historyDepth - 1);
}

/**
 * Splits earlier password hashes (any order) into the newest ones to keep,
 * newest first, and the rest, which the service deletes after a change.
 */
export function trimPasswordHistory<T extends { changedAt: Date }>(
  history: readonly T[],
  policy: PasswordPolicy,
): { keep: T[]; drop: T[] } {
  const newestFirst = [...history].sort((a, b) => b.changedAt.getTime() - a.changedAt.getTime());
  const kept = previousPasswordsToKeep(policy);
  return { keep: newestFirst.slice(0, kept), drop: newestFirst.slice(kept) };
}

/** Problems with a configured policy, for the start-up config check; empty when it is sound. */
export function passwordPolicyProblems(policy: PasswordPolicy): string[] {
  const problems: string[] = [];
  const whole = (name: keyof PasswordPolicy, least: number) => {
    if (!Number.isInteger(policy[name]) || policy[name] < least)
      problems.push(`${name} must be a whole number of at least ${least}.`);
  };
  whole('minLength', 8);
  whole('maxLength', 64);
  whole('historyDepth', 0);
  whole('maxAgeDays', 1);
  if (policy.maxLength < policy.minLength) problems.push('maxLength must not be smaller than minLength.');
  return problems;
}

// One character, or a group of up to 4, repeated over the whole password:
// aaaaaaaa, abababab, 12341234, 20202020.
function isRepetitive(folded: string): boolean {
  const chars = [...folded];
  for (let size = 1; size <= 4 && size * 2 <= chars.length; size += 1) {
    if (chars.length % size !== 0) continue;
    if (chars.every((char, i) => char === chars[i % size])) return true;
  }
  return false;
}

// Consecutive code points upward or downward over the whole password:
// abcdefgh, 12345678, 87654321. The common-password list leaves these out
// because its source catches them by pattern instead.
function isSequential(folded: string): boolean {
  const points = [...folded].map((char) => char.codePointAt(0) ?? 0);
  const step = (points[1] ?? 0) - (points[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return points.every((point, i) => i === 0 || point - (points[i - 1] ?? 0) === step);
}

// The whole name without separators, and each part of it, when three
// characters or more: "Taro Takaoka" gives tarotakaoka, taro and takaoka;
// "高岡 太郎" gives 高岡太郎 (shorter pieces would refuse too much).
function nameParts(displayName: string | null | undefined): string[] {
  if (!displayName) return [];
  const parts = normalizePassword(displayName)
    .toLowerCase()
    .split(/[\s・·.,\-_]+/u)
    .filter((part) => part !== '');
  return [...new Set([parts.join(''), ...parts])].filter((part) => [...part].length >= 3);
}
