import type { ApplicationResolvers, ApplicationStepResolvers } from '../../../generated/graphql/identity-resolvers';
import { nonNull } from '../../../lib/invariants';

export const Application = {
  facility: (application, _, ctx) => (application.facilityId ? ctx.facilityById.load(application.facilityId) : null),
  content: (application) => JSON.stringify(application.content),
  submittedBy: (application, _, ctx) => nonNull(ctx.userById.load(application.submittedBy)),
  steps: (application, _, ctx) => ctx.stepsByApplication.load(application.id),
} satisfies ApplicationResolvers;

export const ApplicationStep = {
  actor: (step, _, ctx) => nonNull(ctx.userById.load(step.actorId)),
} satisfies ApplicationStepResolvers;
