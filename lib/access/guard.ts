// The checks every subgraph starts its operations with. The principal comes
// only from the gateway's signed token (lib/subgraph-server.ts).
import { appError } from '../graphql-errors';
import { can, type Operation, type TargetFacts } from './permissions';
import type { Principal, UserPrincipal } from './principal';
import { refusalMessage } from './refusals';

export function requireSignedIn(
  principal: Principal,
  options: { allowPendingPasswordChange?: boolean } = {},
): UserPrincipal {
  if (principal.kind !== 'user')
    throw appError('UNAUTHENTICATED', { en: 'Sign in first.', ja: '先にサインインしてください。' });
  if (principal.mustChangePassword && !options.allowPendingPasswordChange) {
    throw appError(
      'FORBIDDEN',
      {
        en: 'Change your initial password first (changePassword).',
        ja: '先に初期パスワードを変更してください（changePassword）。',
      },
      { reason: 'PASSWORD_CHANGE_REQUIRED' },
    );
  }
  return principal;
}

/** Signed in and holding at least one of the operations (on the target). */
export function requireAnyOf(principal: Principal, operations: Operation[], target: TargetFacts = {}): UserPrincipal {
  const user = requireSignedIn(principal);
  if (!operations.some((operation) => can(user, operation, target)))
    throw appError('FORBIDDEN', refusalMessage(user.role, operations));
  return user;
}
