import type { User as UserRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';

export const User = {
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.userById.load(ref.id),
  facility: (user: UserRow, _: unknown, ctx: IdentityContext) => ctx.facilityById.load(user.facilityId),
  orgUnit: (user: UserRow, _: unknown, ctx: IdentityContext) => (user.orgUnitId ? ctx.orgUnitById.load(user.orgUnitId) : null),
};
