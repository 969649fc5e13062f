import type { FacilityResolvers } from '../../../generated/graphql/identity-resolvers';

export const Facility = {
  __resolveReference: (ref, ctx) => ctx.facilityById.load(ref.id),
} satisfies FacilityResolvers;
