// Changing one's password: the first sign-in must (the initial password was
// seen by the issuer), an expired one must, and anyone may. The new password
// must pass the policy and differ from the last few; the change ends every
// other session of the user. A wrong current password counts toward the
// account lockout exactly as a failed sign-in does (a stolen session must
// not become a way to guess the password), and a locked account cannot
// change its password until the lock runs out or an administrator resets it.
import { randomUUID } from 'node:crypto';
import type { User } from '../../../generated/prisma/client';
import { appError, notFound } from '../../../lib/graphql-errors';
import type { IdentityContext } from '../context';
import {
  isCommonPassword,
  passwordProblemMessages,
  passwordProblems,
  previousPasswordsToKeep,
} from '../domain/password-policy';
import { authorize, forbid, requireUser } from './access-guard';
import { newInitialPassword } from '../domain/account-credentials';
import { onlySystemAdminMayGrant } from '../domain/application-forms';
import { endAllSessions } from './session-service';
import { recordAudit, recordAuditAlone } from './audit-service';
import { hashPassword, verifyPassword } from './password-hasher';
import { clearPasswordAttempts, reservePasswordAttempt } from './lockout-service';
import { joinMessages } from '../../../lib/messages/message';

export async function changePassword(
  ctx: IdentityContext,
  currentPassword: string,
  newPassword: string,
): Promise<boolean> {
  const principal = requireUser(ctx, { allowPendingPasswordChange: true });
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: principal.userId },
    include: { passwordHistory: { orderBy: { createdAt: 'desc' } } },
  });
  const refuse = async (reason: string, error: ReturnType<typeof appError>): Promise<never> => {
    await recordAuditAlone(ctx.db, principal, {
      action: 'password.change',
      outcome: 'FAILURE',
      targetType: 'User',
      targetId: user.id,
      details: { reason },
    });
    throw error;
  };
  const reservation = await reservePasswordAttempt(ctx.db, user.id, ctx.now(), ctx.settings.lockoutRules);
  if (reservation.kind !== 'reserved') {
    return refuse(
      reservation.kind,
      appError(
        'BAD_USER_INPUT',
        {
          en: 'Too many wrong passwords: the account is locked for now. Try again later, or ask your facility manager.',
          ja: 'パスワードの誤りが多すぎるため、アカウントは一時的にロックされています。しばらくしてからやり直すか、システム管理責任者に相談してください。',
        },
        {
          field: 'currentPassword',
          reason: 'ACCOUNT_LOCKED',
        },
      ),
    );
  }
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    const locked = reservation.state.lockedUntil !== null;
    if (locked) ctx.metrics?.accountLockouts.inc({ via: 'change_password' });
    return refuse(
      locked ? 'wrong-current-password-now-locked' : 'wrong-current-password',
      appError(
        'BAD_USER_INPUT',
        { en: 'The current password is not correct.', ja: '現在のパスワードが正しくありません。' },
        { field: 'currentPassword' },
      ),
    );
  }
  await clearPasswordAttempts(ctx.db, user.id);
  const policy = ctx.settings.passwordPolicy;
  const problems = passwordProblems(newPassword, {
    accountId: user.accountId,
    displayName: user.name,
    policy,
    isCommon: isCommonPassword,
  });
  const keep = previousPasswordsToKeep(policy);
  const recent = [user.passwordHash, ...user.passwordHistory.slice(0, keep).map((h) => h.hash)];
  for (const hash of recent) {
    if (await verifyPassword(hash, newPassword)) {
      problems.push(passwordProblemMessages.reused(policy.historyDepth));
      break;
    }
  }
  if (problems.length > 0) throw appError('BAD_USER_INPUT', joinMessages(problems), { field: 'newPassword' });

  const now = ctx.now();
  const newHash = await hashPassword(newPassword);
  await ctx.db.$transaction(async (tx) => {
    await tx.passwordHistory.create({
      data: { id: randomUUID(), userId: user.id, hash: user.passwordHash, createdAt: now },
    });
    const stale = user.passwordHistory.slice(keep - 1).map((h) => h.id);
    if (stale.length > 0) await tx.passwordHistory.deleteMany({ where: { id: { in: stale } } });
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash: newHash, passwordChangedAt: now, mustChangePassword: false },
    });
    await tx.session.updateMany({
      where: { userId: user.id, endedAt: null, id: { not: principal.sessionId } },
      data: { endedAt: now, endReason: 'password-changed' },
    });
    await recordAudit(tx, principal, {
      action: 'password.change',
      outcome: 'SUCCESS',
      targetType: 'User',
      targetId: user.id,
    });
  });
  return true;
}

/**
 * Resetting a forgotten password. Issuing passwords is the system admin's and
 * admin managers' power (Art. 13, 17), so they reset on the facility
 * manager's request; only the system admin resets a manager's password.
 */
export async function resetPassword(
  ctx: IdentityContext,
  userId: string,
  reason: string,
): Promise<{ user: User; initialPassword: string }> {
  const actor = await authorize(ctx, 'user.decide', { type: 'User', id: userId });
  const user = await ctx.db.user.findUnique({ where: { id: userId } });
  if (!user)
    throw notFound({ en: 'There is no such user. Check the id.', ja: 'その利用者はいません。ID を確認してください。' });
  if (actor.role !== 'SYSTEM_ADMIN' && onlySystemAdminMayGrant(user.role))
    await forbid(ctx, 'password.reset.manager', 'User', userId);
  if (user.status === 'DELETED' || user.status === 'RETIRED')
    throw appError(
      'ILLEGAL_TRANSITION',
      user.status === 'DELETED'
        ? {
            en: 'The account is deleted: its password cannot be reset.',
            ja: 'このアカウントは削除されているため、パスワードを再設定できません。',
          }
        : {
            en: 'The account is retired: its password cannot be reset.',
            ja: 'このアカウントは退職済みのため、パスワードを再設定できません。',
          },
    );
  if (user.id === actor.userId)
    throw appError('CONFLICT', {
      en: 'Change your own password with changePassword.',
      ja: '自分のパスワードは changePassword で変更してください。',
    });
  const initialPassword = newInitialPassword({
    accountId: user.accountId,
    displayName: user.name,
    policy: ctx.settings.passwordPolicy,
    isCommon: isCommonPassword,
  });
  const hash = await hashPassword(initialPassword);
  const now = ctx.now();
  const updated = await ctx.db.$transaction(async (tx) => {
    await tx.passwordHistory.create({ data: { id: randomUUID(), userId, hash: user.passwordHash, createdAt: now } });
    const changed = await tx.user.update({
      where: { id: userId },
      data: {
        passwordHash: hash,
        passwordChangedAt: now,
        mustChangePassword: true,
        failedSignIns: 0,
        lockedUntil: null,
      },
    });
    await endAllSessions(tx, ctx.principal, user, 'password-reset', now);
    await recordAudit(tx, ctx.principal, {
      action: 'password.reset',
      outcome: 'SUCCESS',
      targetType: 'User',
      targetId: userId,
      details: { reason },
    });
    return changed;
  });
  return { user: updated, initialPassword };
}
