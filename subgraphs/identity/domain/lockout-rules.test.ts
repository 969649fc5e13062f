import {
  afterFailedSignIn,
  afterSuccessfulSignIn,
  defaultLockoutRules,
  isLocked,
  signInRefusal,
  type LockoutState,
} from './lockout-rules';

const start = new Date('2026-11-25T09:00:00Z');
const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
const fresh: LockoutState = { failedCount: 0, lockedUntil: null };

function failTimes(count: number, state: LockoutState = fresh, now: Date = start): LockoutState {
  let current = state;
  for (let i = 0; i < count; i += 1) current = afterFailedSignIn(current, now, defaultLockoutRules);
  return current;
}

describe('lockout', () => {
  it('counts the first four failures without locking', () => {
    const state = failTimes(4);
    expect(state).toEqual({ failedCount: 4, lockedUntil: null });
    expect(isLocked(state, start)).toBe(false);
  });

  it('locks on the fifth consecutive failure for 15 minutes', () => {
    const state = failTimes(5);
    expect(state).toEqual({ failedCount: 5, lockedUntil: at(15) });
    expect(isLocked(state, start)).toBe(true);
    expect(isLocked(state, new Date(at(15).getTime() - 1))).toBe(true);
    expect(isLocked(state, at(15))).toBe(false);
  });

  it('does not extend or count while locked', () => {
    const locked = failTimes(5);
    expect(afterFailedSignIn(locked, at(10), defaultLockoutRules)).toBe(locked);
  });

  it('starts a fresh count once the lock has run out', () => {
    const afterLock = afterFailedSignIn(failTimes(5), at(15), defaultLockoutRules);
    expect(afterLock).toEqual({ failedCount: 1, lockedUntil: null });
    expect(failTimes(3, afterLock, at(16))).toEqual({ failedCount: 4, lockedUntil: null });
    expect(failTimes(4, afterLock, at(16))).toEqual({ failedCount: 5, lockedUntil: at(31) });
  });

  it('resets on success, so only consecutive failures count', () => {
    expect(afterSuccessfulSignIn()).toEqual(fresh);
    const again = failTimes(4, afterSuccessfulSignIn());
    expect(failTimes(4)).toEqual({ failedCount: 4, lockedUntil: null });
    expect(again).toEqual({ failedCount: 4, lockedUntil: null });
    expect(isLocked(again, start)).toBe(false);
  });

  it('follows configured rules', () => {
    const rules = { maxFailures: 3, lockMinutes: 60 };
    const twice = afterFailedSignIn(afterFailedSignIn(fresh, start, rules), start, rules);
    expect(isLocked(twice, start)).toBe(false);
    const thrice = afterFailedSignIn(twice, start, rules);
    expect(thrice.lockedUntil).toEqual(at(60));
  });

  it('has one refusal for every failed sign-in', () => {
    expect(signInRefusal.en).toBe(
      'The account ID or password is incorrect, or the account cannot sign in now. Check them, or ask your facility manager.',
    );
    expect(signInRefusal.ja).toMatch(/^アカウント ID またはパスワードが正しくないか/);
  });
});
