// An ExistenceCheck leaves rooms only through existenceCheck(s) and the
// mutations, which check that the caller may see it; a reference from
// another subgraph is checked the same way.
import { getExistenceCheck, stepsOf } from '../services/existence-check-service';
import { userRef } from './user-ref';
import type { ExistenceCheckResolvers, ExistenceCheckStepResolvers } from '../../../generated/graphql/rooms-resolvers';

export const ExistenceCheck = {
  __resolveReference: (ref, ctx) => getExistenceCheck(ctx, ref.id),
  requestedBy: (check) => userRef(check.requestedBy),
  steps: (check, _, ctx) => stepsOf(ctx, check.id),
} satisfies ExistenceCheckResolvers;

export const ExistenceCheckStep = {
  actor: (step) => userRef(step.actorId),
} satisfies ExistenceCheckStepResolvers;
