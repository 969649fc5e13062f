import type { IdentityContext } from '../context';

export const Facility = {
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.facilityById.load(ref.id),
};
