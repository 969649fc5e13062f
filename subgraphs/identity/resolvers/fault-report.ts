import type { FaultReportResolvers, FaultStepResolvers } from '../../../generated/graphql/identity-resolvers';
import { nonNull } from '../../../lib/invariants';

export const FaultReport = {
  facility: (fault, _, ctx) => nonNull(ctx.facilityById.load(fault.facilityId)),
  reportedBy: (fault, _, ctx) => nonNull(ctx.userById.load(fault.reportedBy)),
  steps: (fault, _, ctx) => ctx.stepsByFault.load(fault.id),
} satisfies FaultReportResolvers;

export const FaultStep = {
  actor: (step, _, ctx) => nonNull(ctx.userById.load(step.actorId)),
} satisfies FaultStepResolvers;
