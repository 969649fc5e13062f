// Every identity operation starts here: who is asking (a signed-in user,
// unless the operation is signing in), and may they? A refusal is audited
// before it is answered, so denied attempts leave a trace.
import { can, type Operation, type TargetFacts } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appError } from '../../../lib/graphql-errors';
import { requireSignedIn } from '../../../lib/access/guard';
import type { IdentityContext } from '../context';
import { recordAudit } from './audit-service';

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

/** Audits the refusal, then throws FORBIDDEN. */
export async function forbid(
  ctx: IdentityContext,
  operation: string,
  targetType?: string,
  targetId?: string | null,
): Promise<never> {
  await recordAudit(ctx.db, ctx.principal, {
    action: operation,
    outcome: 'DENIED',
    targetType,
    targetId: targetId ?? null,
  });
  throw appError('FORBIDDEN', `not allowed: ${operation}`);
}
