// Every identity operation starts here: who is asking (a signed-in user,
// unless the operation is signing in), and may they? A refusal is audited
// before it is answered, so denied attempts leave a trace.
import { can, type Operation, type TargetFacts } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appError } from '../../../lib/graphql-errors';
import { requireSignedIn } from '../../../lib/access/guard';
import { isOperation, refusalMessage } from '../../../lib/access/refusals';
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

/** Identity's own checks that are not rows of the permission table, in words. */
const identityRefusals: Record<string, string> = {
  'certificate.list': "you may not see this facility's terminal certificates",
  'password.reset.manager': "only the system administrator may reset a manager's password",
  'subject.find': 'you have no care relationship with this person (need to know)',
  'subject.read': 'you have no care relationship with this person (need to know)',
  'subject.register': 'your role may not register people in the network',
};

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
  const role = ctx.principal.kind === 'user' ? ctx.principal.role : null;
  throw appError(
    'FORBIDDEN',
    role && isOperation(operation) ? refusalMessage(role, [operation]) : (identityRefusals[operation] ?? 'not allowed'),
  );
}
