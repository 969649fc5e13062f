// Account lockout after repeated failed sign-ins: maxFailures consecutive
// failures lock the account for lockMinutes, then counting starts again.
// A temporary lock (not a permanent one) slows online guessing without
// letting anyone lock a colleague out for good by typing wrong passwords.
//
// What the caller must do with it:
// - Answer one and the same refusal (signInRefusal, same error code, same
//   timing) for an unknown account ID, a wrong password and a locked
//   account, so that sign-in reveals neither which account IDs exist nor
//   which accounts are locked. For an unknown account it spends the time of
//   a password check with the hasher's dummyVerify().
// - While the account is locked, refuse without checking the password at
//   all (a correct password must not unlock it early, or the lock would not
//   slow guessing) and without recording a failure.
// - Apply afterFailedSignIn under a row lock (or as one atomic update), or
//   concurrent attempts lose counts.
// - Reset with afterSuccessfulSignIn on success, and when a facility manager
//   resets the password (the way back for someone who forgot it).
import type { Message } from '../../../lib/messages/message';

export interface LockoutState {
  /** Consecutive failed sign-ins since the last success or lock expiry. */
  failedCount: number;
  lockedUntil: Date | null;
}

export interface LockoutRules {
  maxFailures: number;
  lockMinutes: number;
}

export const defaultLockoutRules: Readonly<LockoutRules> = Object.freeze({ maxFailures: 5, lockMinutes: 15 });

/** The one message for every refused sign-in: unknown account, wrong password, locked account. */
export const signInRefusal: Message = {
  en: 'The account ID or password is incorrect, or the account cannot sign in now. Check them, or ask your facility manager.',
  ja: 'アカウント ID またはパスワードが正しくないか、このアカウントは現在サインインできません。確認するか、システム管理責任者に相談してください。',
};

export function isLocked(state: LockoutState, now: Date): boolean {
  return state.lockedUntil !== null && now.getTime() < state.lockedUntil.getTime();
}

/** The state after a failed password check. A failure while locked changes nothing. */
export function afterFailedSignIn(state: LockoutState, now: Date, rules: LockoutRules): LockoutState {
  if (isLocked(state, now)) return state;
  // A lock that has run out starts a fresh count.
  const failedCount = (state.lockedUntil === null ? state.failedCount : 0) + 1;
  if (failedCount >= rules.maxFailures) {
    return { failedCount, lockedUntil: new Date(now.getTime() + rules.lockMinutes * 60_000) };
  }
  return { failedCount, lockedUntil: null };
}

/** The state after a successful sign-in (or a password reset by a facility manager). */
export function afterSuccessfulSignIn(): LockoutState {
  return { failedCount: 0, lockedUntil: null };
}
