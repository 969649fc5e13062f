// Every identity operation starts here: who is asking (a signed-in user,
// unless the operation is signing in), and may they? A refusal is audited
// before it is answered, so denied attempts leave a trace.
import { can, type Operation, type TargetFacts } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appError } from '../../../lib/graphql-errors';
import { requireSignedIn } from '../../../lib/access/guard';
import { isOperation, refusalMessage } from '../../../lib/access/refusals';
import type { IdentityContext } from '../context';
import { recordAuditAlone } from './audit-service';
import { genericMessages } from '../../../lib/messages/generic-messages';
import type { Message } from '../../../lib/messages/message';

export function requireUser(
  ctx: IdentityContext,
  options: { allowPendingPasswordChange?: boolean } = {},
): UserPrincipal {
  return requireSignedIn(ctx.principal, options);
}

export async function authorize(
  ctx: IdentityContext,
  operation: Operation,
  target: TargetFacts & { type?: string; id?: string | null } = {},
): Promise<UserPrincipal> {
  const user = requireUser(ctx);
  if (!can(user, operation, target)) {
    await forbid(ctx, operation, target.type, target.id);
  }
  return user;
}

/** Identity's own checks that are not rows of the permission table, in words. */
const noCareRelationship: Message = {
  en: 'You have no care relationship with this person (need to know). Ask a member of their room, or check whether a room exists (askRoomExists).',
  ja: 'この対象者との支援関係がありません（必要な範囲に限った共有）。部屋のメンバーに相談するか、部屋の有無を確認してください（askRoomExists）。',
};
const identityRefusals: Record<string, Message> = {
  'certificate.list': {
    en: "You may not see this facility's terminal certificates. Its facility manager, the system administrator or an administrative manager may.",
    ja: 'この施設の端末の電子証明書は閲覧できません。その施設のシステム管理責任者、システム管理者または行政管理者が閲覧できます。',
  },
  'password.reset.manager': {
    en: "Only the system administrator may reset a manager's password. Ask the system administrator.",
    ja: '管理者のパスワードを再設定できるのはシステム管理者だけです。システム管理者に依頼してください。',
  },
  'subject.find': noCareRelationship,
  'subject.read': noCareRelationship,
  'subject.register': {
    en: 'Your role may not register people in the network. A user or a manager who asks for rooms may.',
    ja: 'あなたの役割では対象者を登録できません。部屋を申請する利用者または管理者が登録できます。',
  },
};

/** Audits the refusal, then throws FORBIDDEN (with `message` when the caller's rule worded it). */
export async function forbid(
  ctx: IdentityContext,
  operation: string,
  targetType?: string,
  targetId?: string | null,
  message?: Message,
): Promise<never> {
  await recordAuditAlone(ctx.db, ctx.principal, {
    action: operation,
    outcome: 'DENIED',
    targetType,
    targetId: targetId ?? null,
  });
  const role = ctx.principal.kind === 'user' ? ctx.principal.role : null;
  throw appError(
    'FORBIDDEN',
    message ??
      (role && isOperation(operation)
        ? refusalMessage(role, [operation])
        : (identityRefusals[operation] ?? genericMessages.FORBIDDEN)),
  );
}
