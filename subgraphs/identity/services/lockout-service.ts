// Counting a password attempt toward the account lockout (domain/lockout-rules.ts)
// for the paths that check a password of an existing account. The attempt is
// recorded as a failure before the password is checked (compare-and-set,
// retried on a concurrent change) and cleared once it proves right, so
// guesses sent in parallel cannot outrun the lock: the attempt that reaches
// the limit locks the account before any later one is checked.
import type { IdentityDb } from '../context';
import {
  afterFailedSignIn,
  afterSuccessfulSignIn,
  isLocked,
  type LockoutRules,
  type LockoutState,
} from '../domain/lockout-rules';

export type AttemptReservation =
  | { kind: 'reserved'; state: LockoutState }
  /** The account is locked: refuse without checking the password. */
  | { kind: 'locked' }
  /** Too many concurrent changes to the counter. */
  | { kind: 'contended' };

export async function reservePasswordAttempt(
  db: Pick<IdentityDb, 'user'>,
  userId: string,
  now: Date,
  rules: LockoutRules,
): Promise<AttemptReservation> {
  let state: LockoutState | null = null;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (state === null) {
      const fresh = await db.user.findUniqueOrThrow({
        where: { id: userId },
        select: { failedSignIns: true, lockedUntil: true },
      });
      state = { failedCount: fresh.failedSignIns, lockedUntil: fresh.lockedUntil };
    }
    if (isLocked(state, now)) return { kind: 'locked' };
    const next = afterFailedSignIn(state, now, rules);
    const written = await db.user.updateMany({
      where: { id: userId, failedSignIns: state.failedCount, lockedUntil: state.lockedUntil },
      data: { failedSignIns: next.failedCount, lockedUntil: next.lockedUntil },
    });
    if (written.count === 1) return { kind: 'reserved', state: next };
    state = null;
  }
  return { kind: 'contended' };
}

/** The password was right: the reserved failure (and any earlier ones) no longer count. */
export async function clearPasswordAttempts(db: Pick<IdentityDb, 'user'>, userId: string): Promise<void> {
  const cleared = afterSuccessfulSignIn();
  await db.user.update({
    where: { id: userId },
    data: { failedSignIns: cleared.failedCount, lockedUntil: cleared.lockedUntil },
  });
}
