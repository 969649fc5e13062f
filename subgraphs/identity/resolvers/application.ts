import type { Application as ApplicationRow, ApplicationStep as StepRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';

export const Application = {
  facility: (application: ApplicationRow, _: unknown, ctx: IdentityContext) =>
    application.facilityId ? ctx.facilityById.load(application.facilityId) : null,
  content: (application: ApplicationRow) => JSON.stringify(application.content),
  submittedBy: (application: ApplicationRow, _: unknown, ctx: IdentityContext) =>
    ctx.userById.load(application.submittedBy),
  steps: (application: ApplicationRow, _: unknown, ctx: IdentityContext) => ctx.stepsByApplication.load(application.id),
};

export const ApplicationStep = {
  actor: (step: StepRow, _: unknown, ctx: IdentityContext) => ctx.userById.load(step.actorId),
};
