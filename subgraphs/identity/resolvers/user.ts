import type { User as UserRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';
import { maySeeAccountOf } from '../domain/user-visibility';

/** An account field: its value for the person and its supervisors, null for anyone else (domain/user-visibility.ts). */
const accountField =
  <T>(value: (user: UserRow) => T) =>
  (user: UserRow, _: unknown, ctx: IdentityContext): T | null =>
    maySeeAccountOf(ctx.principal, user) ? value(user) : null;

export const User = {
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.userById.load(ref.id),
  facility: (user: UserRow, _: unknown, ctx: IdentityContext) => ctx.facilityById.load(user.facilityId),
  orgUnit: (user: UserRow, _: unknown, ctx: IdentityContext) =>
    user.orgUnitId ? ctx.orgUnitById.load(user.orgUnitId) : null,
  accountId: accountField((user) => user.accountId),
  status: accountField((user) => user.status),
  lastActiveAt: accountField((user) => user.lastActiveAt),
};
