import {
  accountIdAlphabet,
  initialPasswordAlphabet,
  isWellFormedAccountId,
  newAccountId,
  newInitialPassword,
  normalizeAccountId,
  type RandomBytes,
} from './account-credentials';
import { defaultPasswordPolicy, isCommonPassword, passwordProblems, type PasswordContext } from './password-policy';

const ambiguous = ['0', 'O', 'o', '1', 'l', 'I', 'i'];

function makeContext(overrides: Partial<PasswordContext> = {}): PasswordContext {
  return { accountId: 'tk7h3kq9mz', policy: defaultPasswordPolicy, isCommon: isCommonPassword, ...overrides };
}

/** Answers each call with the next script (the last one again when they run out), padded with zeros. */
function scriptedRandom(...calls: number[][]): RandomBytes {
  let call = 0;
  return (size) => {
    const bytes = calls[Math.min(call++, calls.length - 1)] ?? [];
    return Uint8Array.from({ length: size }, (_, i) => bytes[i] ?? 0);
  };
}

describe('alphabets', () => {
  it('leave out characters that are easy to confuse', () => {
    for (const char of ambiguous) {
      expect(accountIdAlphabet).not.toContain(char);
      expect(initialPasswordAlphabet).not.toContain(char);
    }
    expect(new Set(accountIdAlphabet).size).toBe(31);
    expect(new Set(initialPasswordAlphabet).size).toBe(55);
  });
});

describe('newAccountId', () => {
  it('is tk and 8 unambiguous characters', () => {
    for (let i = 0; i < 200; i += 1) {
      const id = newAccountId();
      expect(id).toMatch(/^tk[2-9a-hjkmnp-z]{8}$/);
      expect(isWellFormedAccountId(id)).toBe(true);
    }
  });

  it('takes a configured prefix', () => {
    const id = newAccountId({ prefix: 'nt' });
    expect(id).toMatch(/^nt[2-9a-hjkmnp-z]{8}$/);
    expect(isWellFormedAccountId(id, 'nt')).toBe(true);
    expect(isWellFormedAccountId(id)).toBe(false);
  });

  it('draws uniformly by throwing away bytes past the last whole alphabet', () => {
    // 31 characters: bytes 248..255 are thrown away; 0 and 31 both give '2'.
    const random = scriptedRandom([255, 248, 0, 31, 1, 30, 62, 3, 4, 5]);
    expect(newAccountId({ random })).toBe('tk223z2567');
  });
});

describe('account ID input', () => {
  it('folds full-width, upper case and spaces', () => {
    expect(normalizeAccountId(' ＴＫ７ｈ３ｋｑ９ｍｚ ')).toBe('tk7h3kq9mz');
  });

  it('refuses malformed IDs', () => {
    for (const id of ['tk7h3kq9m', 'tk7h3kq9mz2', 'tk7h3kq9m0', 'tk7h3kq9ml', 'xx7h3kq9mz', 'TK7H3KQ9MZ', '']) {
      expect(isWellFormedAccountId(id)).toBe(false);
    }
  });
});

describe('newInitialPassword', () => {
  it('is 16 unambiguous characters that pass the password policy', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const password = newInitialPassword(makeContext());
      expect(password).toHaveLength(16);
      expect([...password].every((char) => initialPasswordAlphabet.includes(char))).toBe(true);
      expect(passwordProblems(password, makeContext())).toEqual([]);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });

  it('draws again when a draw fails the policy', () => {
    // The first draw is sixteen '2' (repetitive), the second a varied run.
    const random = scriptedRandom(
      Array<number>(16).fill(0),
      Array.from({ length: 16 }, (_, i) => i),
    );
    const password = newInitialPassword(makeContext(), random);
    expect(password).toBe(initialPasswordAlphabet.slice(0, 16));
  });

  it('grows to a longer policy minimum', () => {
    const policy = { ...defaultPasswordPolicy, minLength: 20 };
    expect(newInitialPassword(makeContext({ policy }))).toHaveLength(20);
  });

  it('gives up rather than loop forever on a broken random source', () => {
    expect(() => newInitialPassword(makeContext(), () => new Uint8Array(32))).toThrow(/initial password/);
  });
});
