import type { User as UserRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';
import type { UserResolvers } from '../../../generated/graphql/identity-resolvers';
import { maySeeAccountOf } from '../domain/user-visibility';
import { nonNull } from '../../../lib/invariants';

/** An account field: its value for the person and its supervisors, null for anyone else (domain/user-visibility.ts). */
const accountField =
  <T>(value: (user: UserRow) => T) =>
  (user: UserRow, _: unknown, ctx: IdentityContext): T | null =>
    maySeeAccountOf(ctx.principal, user) ? value(user) : null;

export const User = {
  __resolveReference: (ref, ctx) => ctx.userById.load(ref.id),
  facility: (user, _, ctx) => nonNull(ctx.facilityById.load(user.facilityId)),
  orgUnit: (user, _, ctx) => (user.orgUnitId ? ctx.orgUnitById.load(user.orgUnitId) : null),
  accountId: accountField((user) => user.accountId),
  status: accountField((user) => user.status),
  lastActiveAt: accountField((user) => user.lastActiveAt),
} satisfies UserResolvers;
