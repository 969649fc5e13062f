import { parseInput, uuid } from '../../../lib/input';
import { requireAnyOf } from '../../../lib/access/guard';
import type { ConsentContext } from '../context';
import { changeConsent, consentRecorders } from '../services/consent-service';

export const Mutation = {
  recordConsent: (_: unknown, args: { subjectId: string }, ctx: ConsentContext) => {
    requireAnyOf(ctx.principal, consentRecorders);
    return changeConsent(ctx.db, parseInput(uuid, args.subjectId, 'subjectId'), 'GRANTED');
  },
  withdrawConsent: (_: unknown, args: { subjectId: string }, ctx: ConsentContext) => {
    requireAnyOf(ctx.principal, consentRecorders);
    return changeConsent(ctx.db, parseInput(uuid, args.subjectId, 'subjectId'), 'WITHDRAWN');
  },
};
