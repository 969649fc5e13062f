import { commonPasswords } from './common-passwords';
import {
  defaultPasswordPolicy,
  isCommonPassword,
  isPasswordExpired,
  normalizePassword,
  passwordExpiresAt,
  passwordLength,
  passwordPolicyProblems,
  passwordProblemMessages as messages,
  passwordProblems,
  previousPasswordsToKeep,
  trimPasswordHistory,
  type PasswordContext,
} from './password-policy';

function makeContext(overrides: Partial<PasswordContext> = {}): PasswordContext {
  return { accountId: 'tk7h3kq9mz', policy: defaultPasswordPolicy, isCommon: isCommonPassword, ...overrides };
}

describe('passwordProblems', () => {
  it('accepts a long passphrase and a short unusual password, with no composition rules', () => {
    expect(passwordProblems('correct horse battery staple', makeContext())).toEqual([]);
    expect(passwordProblems('gurumeku', makeContext())).toEqual([]);
    expect(passwordProblems('しずかなうみのいろ', makeContext())).toEqual([]);
  });

  it('refuses 7 characters and accepts 8', () => {
    expect(passwordProblems('vhq4rtz', makeContext())).toEqual([messages.tooShort(8)]);
    expect(passwordProblems('vhq4rtzm', makeContext())).toEqual([]);
  });

  it('accepts 128 characters and refuses 129', () => {
    const base = 'the quick brown fox jumps over a lazy dog '.repeat(4);
    expect(passwordProblems(base.slice(0, 128), makeContext())).toEqual([]);
    expect(passwordProblems(base.slice(0, 129), makeContext())).toEqual([messages.tooLong(128)]);
  });

  it('counts code points after NFKC, not UTF-16 units', () => {
    expect(passwordLength('🐱🐶🐭🐹🐰🦊🐻🐼')).toBe(8);
    expect(passwordProblems('🐱🐶🐭🐹🐰🦊🐻🐼', makeContext())).toEqual([]);
    expect(normalizePassword('ｐａｓｓｗｏｒｄ')).toBe('password');
  });

  it('follows a configured policy', () => {
    const policy = { ...defaultPasswordPolicy, minLength: 12, maxLength: 64 };
    expect(passwordProblems('vhq4rtzmwpa', makeContext({ policy }))).toEqual([messages.tooShort(12)]);
    expect(passwordProblems('vhq4rtzmwpab', makeContext({ policy }))).toEqual([]);
    expect(passwordProblems('x'.repeat(30) + 'y'.repeat(35), makeContext({ policy }))).toEqual([messages.tooLong(64)]);
  });

  it('refuses common passwords case-insensitively and full-width', () => {
    for (const candidate of ['password', 'PassWord', 'ｐａｓｓｗｏｒｄ', 'iloveyou', 'qwertyuiop', 'password1']) {
      expect(passwordProblems(candidate, makeContext())).toEqual([messages.common]);
    }
  });

  it('asks the injected isCommon with the normalized password', () => {
    const isCommon = jest.fn((password: string) => password === 'dreamteam');
    expect(passwordProblems('ｄｒｅａｍｔｅａｍ', makeContext({ isCommon }))).toEqual([messages.common]);
    expect(isCommon).toHaveBeenCalledWith('dreamteam');
  });

  it('refuses the account ID, alone or inside, in any case', () => {
    expect(passwordProblems('tk7h3kq9mz', makeContext())).toEqual([messages.containsAccountId]);
    expect(passwordProblems('my-TK7H3KQ9MZ-pass', makeContext())).toEqual([messages.containsAccountId]);
    expect(passwordProblems('ｔｋ７ｈ３ｋｑ９ｍｚ!!', makeContext())).toEqual([messages.containsAccountId]);
  });

  it('refuses the display name or a part of it', () => {
    expect(passwordProblems('takaoka-2026!', makeContext({ displayName: 'Taro Takaoka' }))).toEqual([
      messages.containsName,
    ]);
    expect(passwordProblems('TaroTakaoka', makeContext({ displayName: 'Taro Takaoka' }))).toEqual([
      messages.containsName,
    ]);
    expect(passwordProblems('高岡太郎のパスワード', makeContext({ displayName: '高岡　太郎' }))).toEqual([
      messages.containsName,
    ]);
    // Two-character parts alone are too common in other words to refuse.
    expect(passwordProblems('太郎冠者の狂言を観に行く', makeContext({ displayName: '高岡 太郎' }))).toEqual([]);
    expect(passwordProblems('vhq4rtzm', makeContext({ displayName: null }))).toEqual([]);
    expect(passwordProblems('bobsleigh', makeContext({ displayName: 'Bo' }))).toEqual([]);
  });

  it('refuses one character repeated, and short groups repeated', () => {
    expect(passwordProblems('aaaaaaaa', makeContext({ isCommon: () => false }))).toEqual([messages.repetitive]);
    expect(passwordProblems('ZZZZZZZZZZZZ', makeContext())).toEqual([messages.repetitive]);
    expect(passwordProblems('12341234', makeContext())).toEqual([messages.repetitive]);
    expect(passwordProblems('ababababab', makeContext({ isCommon: () => false }))).toEqual([messages.repetitive]);
    expect(passwordProblems('aaaa', makeContext())).toEqual([messages.tooShort(8), messages.repetitive]);
    expect(passwordProblems('abcdeabcde', makeContext())).toEqual([]);
  });

  it('refuses simple sequences in either direction', () => {
    expect(passwordProblems('abcdefgh', makeContext())).toEqual([messages.sequential]);
    expect(passwordProblems('87654321', makeContext())).toEqual([messages.sequential]);
    expect(passwordProblems('abcdefgz', makeContext())).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(passwordProblems('', makeContext())).toEqual([messages.tooShort(8)]);
    expect(passwordProblems('tk7h3kq9', makeContext({ accountId: 'tk7h3kq9' }))).toEqual([messages.containsAccountId]);
  });

  it('never repeats the password in a message', () => {
    const candidate = 'tk7h3kq9mz';
    for (const message of passwordProblems(candidate, makeContext())) {
      expect(message.en).not.toContain(candidate);
      expect(message.ja).not.toContain(candidate);
    }
  });
});

describe('isCommonPassword', () => {
  it('knows a list of 10,000 lower-case entries of 8 characters or more', () => {
    expect(commonPasswords).toHaveLength(10_000);
    expect(new Set(commonPasswords).size).toBe(10_000);
    expect(commonPasswords.every((entry) => entry === entry.toLowerCase() && [...entry].length >= 8)).toBe(true);
  });

  it('matches case-insensitively', () => {
    expect(isCommonPassword('password')).toBe(true);
    expect(isCommonPassword('PASSWORD')).toBe(true);
    expect(isCommonPassword('12345678')).toBe(true);
    expect(isCommonPassword('vhq4rtzm')).toBe(false);
  });
});

describe('password age', () => {
  const changedAt = new Date('2026-01-01T00:00:00Z');
  it('expires at exactly maxAgeDays', () => {
    expect(passwordExpiresAt(changedAt, defaultPasswordPolicy)).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(isPasswordExpired(changedAt, new Date('2026-03-31T23:59:59.999Z'), defaultPasswordPolicy)).toBe(false);
    expect(isPasswordExpired(changedAt, new Date('2026-04-01T00:00:00Z'), defaultPasswordPolicy)).toBe(true);
  });
  it('follows a configured maximum age', () => {
    const policy = { ...defaultPasswordPolicy, maxAgeDays: 30 };
    expect(isPasswordExpired(changedAt, new Date('2026-01-30T23:59:59Z'), policy)).toBe(false);
    expect(isPasswordExpired(changedAt, new Date('2026-01-31T00:00:00Z'), policy)).toBe(true);
  });
});

describe('password history', () => {
  it('keeps historyDepth - 1 earlier hashes beside the current one', () => {
    expect(previousPasswordsToKeep(defaultPasswordPolicy)).toBe(4);
    expect(previousPasswordsToKeep({ ...defaultPasswordPolicy, historyDepth: 1 })).toBe(0);
    expect(previousPasswordsToKeep({ ...defaultPasswordPolicy, historyDepth: 0 })).toBe(0);
  });

  it('keeps the newest entries and drops the rest', () => {
    const entry = (day: number) => ({ hash: `h${day}`, changedAt: new Date(Date.UTC(2026, 0, day)) });
    const history = [entry(3), entry(1), entry(6), entry(2), entry(5), entry(4)];
    const { keep, drop } = trimPasswordHistory(history, defaultPasswordPolicy);
    expect(keep.map((e) => e.hash)).toEqual(['h6', 'h5', 'h4', 'h3']);
    expect(drop.map((e) => e.hash)).toEqual(['h2', 'h1']);
  });

  it('words the reuse refusal after the depth', () => {
    expect(messages.reused(5)).toEqual({
      en: 'The new password must be different from your last 5 passwords.',
      ja: '新しいパスワードは直近5回のパスワードと違うものにしてください。',
    });
    expect(messages.reused(1).en).toBe('The new password must be different from your current password.');
  });
});

describe('passwordPolicyProblems', () => {
  it('accepts the default policy', () => {
    expect(passwordPolicyProblems(defaultPasswordPolicy)).toEqual([]);
  });
  it('refuses a policy below the NIST floors or inconsistent', () => {
    expect(passwordPolicyProblems({ minLength: 6, maxLength: 32, historyDepth: -1, maxAgeDays: 0.5 })).toEqual([
      'minLength must be a whole number of at least 8.',
      'maxLength must be a whole number of at least 64.',
      'historyDepth must be a whole number of at least 0.',
      'maxAgeDays must be a whole number of at least 1.',
    ]);
    expect(passwordPolicyProblems({ ...defaultPasswordPolicy, minLength: 100, maxLength: 64 })).toEqual([
      'maxLength must not be smaller than minLength.',
    ]);
  });
});
