// The system administrator's powers (Art. 23): restrict all or part of the
// system, disable long-unused accounts, suspend users or delete account IDs
// for violations. Each ends the sessions it concerns at once and is audited.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SystemRestriction, User } from '../../../generated/prisma/client';
import type { Principal } from '../../../lib/access/principal';
import { appError, badUserInput, notFound } from '../../../lib/graphql-errors';
import { instant, text } from '../../../lib/input';
import type { IdentityContext, IdentityDependencies } from '../context';
import { authorize } from './access-guard';
import { recordAudit } from './audit-service';
import { endAllSessions } from './session-service';
import { announceDirectoryChange } from './outbox';
import { inputMessage } from '../../../lib/messages/input-issues';

export const restrictionInput = z
  .object({
    scope: z.enum(['WHOLE_SYSTEM', 'READ_ONLY', 'OPERATIONS']),
    operations: z
      .array(
        z.string().regex(
          /^[A-Za-z_][A-Za-z0-9_]{0,99}$/,
          inputMessage({
            en: 'Give GraphQL root field names.',
            ja: 'GraphQL のルートフィールド名を指定してください。',
          }),
        ),
      )
      .max(50)
      .default([]),
    message: text(500),
    // The announced end; checked against the clock in restrictSystem (a schema cannot see ctx.now()).
    scheduledEndAt: instant.optional(),
  })
  .strict()
  .refine((v) => (v.scope === 'OPERATIONS') === v.operations.length > 0, {
    message: inputMessage({
      en: 'Name the restricted operations when, and only when, the scope is OPERATIONS.',
      ja: '制限する操作は、範囲が OPERATIONS のときだけ指定してください。',
    }),
    path: ['operations'],
  });

/** How far ahead an announced end may lie: further is more likely a mistyped year than a plan. */
const longestScheduledRestriction = { days: 31 } as const;

/** Restrictions in force at `now`: neither lifted (or replaced) nor past their announced end. */
const inForce = (now: Date) => ({ endedAt: null, OR: [{ scheduledEndAt: null }, { scheduledEndAt: { gt: now } }] });

export function currentRestriction(db: IdentityDependencies['db'], now: Date): Promise<SystemRestriction | null> {
  return db.systemRestriction.findFirst({ where: inForce(now), orderBy: { startedAt: 'desc' } });
}

function checkScheduledEnd(end: Date | undefined, now: Date): void {
  if (end === undefined) return;
  if (end <= now)
    throw badUserInput(
      { en: 'scheduledEndAt: It must be in the future.', ja: 'scheduledEndAt: 未来の日時にしてください。' },
      'scheduledEndAt',
    );
  const latest = now.getTime() + longestScheduledRestriction.days * 24 * 60 * 60 * 1000;
  if (end.getTime() > latest)
    throw badUserInput(
      {
        en: `scheduledEndAt: It must be at most ${longestScheduledRestriction.days} days ahead; leave it out for a restriction that lasts until it is lifted.`,
        ja: `scheduledEndAt: ${longestScheduledRestriction.days}日以内にしてください。解除するまで続ける制限では指定しないでください。`,
      },
      'scheduledEndAt',
    );
}

export async function restrictSystem(
  ctx: IdentityContext,
  input: z.infer<typeof restrictionInput>,
): Promise<SystemRestriction> {
  const actor = await authorize(ctx, 'system.restrict', { type: 'System' });
  const now = ctx.now();
  checkScheduledEnd(input.scheduledEndAt, now);
  return ctx.db.$transaction(async (tx) => {
    // One restriction at a time: a new one replaces the one in force (one past its announced end
    // has ended already, and keeps that end as its record).
    await tx.systemRestriction.updateMany({ where: inForce(now), data: { endedAt: now, endedBy: actor.userId } });
    const created = await tx.systemRestriction.create({
      data: { id: randomUUID(), ...input, startedBy: actor.userId, startedAt: now },
    });
    await recordAudit(tx, ctx.principal, {
      action: 'system.restrict',
      outcome: 'SUCCESS',
      targetType: 'SystemRestriction',
      targetId: created.id,
      details: { scope: input.scope, scheduledEndAt: input.scheduledEndAt?.toISOString() ?? null },
    });
    return created;
  });
}

export async function liftRestriction(ctx: IdentityContext): Promise<boolean> {
  const actor = await authorize(ctx, 'system.restrict', { type: 'System' });
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const lifted = await tx.systemRestriction.updateMany({
      where: inForce(now),
      data: { endedAt: now, endedBy: actor.userId },
    });
    await recordAudit(tx, ctx.principal, {
      action: 'system.liftRestriction',
      outcome: 'SUCCESS',
      targetType: 'System',
      details: { lifted: lifted.count },
    });
    return lifted.count > 0;
  });
}

const alreadyInStatus = {
  SUSPENDED: { en: 'The account is already suspended.', ja: 'このアカウントはすでに利用停止中です。' },
  DELETED: { en: 'The account is already deleted.', ja: 'このアカウントはすでに削除されています。' },
  ACTIVE: { en: 'The account is already active.', ja: 'このアカウントはすでに利用可能です。' },
} as const;

async function setStatus(
  ctx: IdentityContext,
  userId: string,
  status: 'SUSPENDED' | 'DELETED' | 'ACTIVE',
  reason: string,
  action: string,
): Promise<User> {
  const existing = await ctx.db.user.findUnique({ where: { id: userId } });
  if (!existing)
    throw notFound({ en: 'There is no such user. Check the id.', ja: 'その利用者はいません。ID を確認してください。' });
  if (existing.status === 'DELETED')
    throw appError('ILLEGAL_TRANSITION', {
      en: 'The account ID has been deleted.',
      ja: 'このアカウント ID は削除されています。',
    });
  if (existing.status === status) throw appError('ILLEGAL_TRANSITION', alreadyInStatus[status]);
  if (existing.id === (ctx.principal as { userId?: string }).userId)
    throw appError('CONFLICT', {
      en: 'You cannot change your own account status.',
      ja: '自分のアカウントの状態は変更できません。',
    });
  return ctx.db.$transaction(async (tx) => {
    // Reinstating counts as activity: otherwise an account that was disabled as unused
    // (or suspended for months) is disabled again by the next Art. 23-2 run.
    const user = await tx.user.update({
      where: { id: userId },
      data: { status, statusReason: reason, ...(status === 'ACTIVE' ? { lastActiveAt: ctx.now() } : {}) },
    });
    if (status !== 'ACTIVE') await endAllSessions(tx, ctx.principal, user, action, ctx.now());
    await announceDirectoryChange(tx, { userId });
    await recordAudit(tx, ctx.principal, { action, outcome: 'SUCCESS', targetType: 'User', targetId: userId });
    return user;
  });
}

/** Art. 23-3: suspend use for a violation; sessions end on the next request. */
export async function suspendUser(ctx: IdentityContext, userId: string, reason: string): Promise<User> {
  await authorize(ctx, 'account.suspend', { type: 'User', id: userId });
  return setStatus(ctx, userId, 'SUSPENDED', reason, 'account.suspend');
}

export async function reinstateUser(ctx: IdentityContext, userId: string, reason: string): Promise<User> {
  await authorize(ctx, 'account.suspend', { type: 'User', id: userId });
  const existing = await ctx.db.user.findUnique({ where: { id: userId } });
  if (existing && existing.status !== 'SUSPENDED' && existing.status !== 'DISABLED_INACTIVE') {
    throw appError('ILLEGAL_TRANSITION', {
      en: 'Only a suspended or disabled account can be reinstated.',
      ja: '利用再開できるのは、利用停止中または無効化されたアカウントだけです。',
    });
  }
  return setStatus(ctx, userId, 'ACTIVE', reason, 'account.reinstate');
}

/** Art. 23-3: delete the account ID; the row stays for the audit trail, the ID can never sign in again. */
export async function deleteAccount(ctx: IdentityContext, userId: string, reason: string): Promise<User> {
  await authorize(ctx, 'account.suspend', { type: 'User', id: userId });
  return setStatus(ctx, userId, 'DELETED', reason, 'account.delete');
}

/**
 * Art. 23-2: disables accounts unused for `inactivityDays` (never used:
 * counted from issuance) and ends their sessions. Run by a repeatable job.
 */
export async function disableInactiveAccounts(
  deps: Pick<IdentityDependencies, 'db' | 'settings' | 'now' | 'principalsChanged'>,
): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - deps.settings.inactivityDays * 24 * 3600 * 1000);
  const stale = await deps.db.user.findMany({
    where: {
      status: 'ACTIVE',
      OR: [{ lastActiveAt: { lt: cutoff } }, { lastActiveAt: null, createdAt: { lt: cutoff } }],
    },
    select: { id: true },
  });
  const system: Principal = { kind: 'service', service: 'gateway' };
  for (const user of stale) {
    await deps.db.$transaction(async (tx) => {
      const changed = await tx.user.updateMany({
        where: { id: user.id, status: 'ACTIVE' },
        data: { status: 'DISABLED_INACTIVE', statusReason: `unused for ${deps.settings.inactivityDays} days` },
      });
      if (changed.count === 0) return;
      await endAllSessions(tx, system, user, 'disabled-inactive', deps.now());
      await announceDirectoryChange(tx, { userId: user.id });
      await recordAudit(tx, system, {
        action: 'account.disableInactive',
        outcome: 'SUCCESS',
        targetType: 'User',
        targetId: user.id,
        details: { days: deps.settings.inactivityDays },
      });
    });
  }
  if (stale.length > 0) await deps.principalsChanged?.();
  return stale.length;
}
