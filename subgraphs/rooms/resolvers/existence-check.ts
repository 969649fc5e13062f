// An ExistenceCheck leaves rooms only through existenceCheck(s) and the
// mutations, which check that the caller may see it; a reference from
// another subgraph is checked the same way.
import type { ExistenceCheck as CheckRow, ExistenceCheckStep as StepRow } from '../../../generated/prisma/client';
import type { RoomsContext } from '../context';
import { getExistenceCheck, stepsOf } from '../services/existence-check-service';
import { userRef } from './user-ref';

export const ExistenceCheck = {
  __resolveReference: (ref: { id: string }, ctx: RoomsContext) => getExistenceCheck(ctx, ref.id),
  requestedBy: (check: CheckRow) => userRef(check.requestedBy),
  steps: (check: CheckRow, _: unknown, ctx: RoomsContext) => stepsOf(ctx, check.id),
};

export const ExistenceCheckStep = {
  actor: (step: StepRow) => userRef(step.actorId),
};
