import type { FaultReport as FaultRow, FaultStep as StepRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';

export const FaultReport = {
  facility: (fault: FaultRow, _: unknown, ctx: IdentityContext) => ctx.facilityById.load(fault.facilityId),
  reportedBy: (fault: FaultRow, _: unknown, ctx: IdentityContext) => ctx.userById.load(fault.reportedBy),
  steps: (fault: FaultRow, _: unknown, ctx: IdentityContext) => ctx.stepsByFault.load(fault.id),
};

export const FaultStep = {
  actor: (step: StepRow, _: unknown, ctx: IdentityContext) => ctx.userById.load(step.actorId),
};
