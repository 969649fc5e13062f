import { parseInput, uuid } from '../../../lib/input';
import type { ConsentContext } from '../context';
import { changeConsent } from '../services/consent-service';

export const Mutation = {
  recordConsent: (_: unknown, args: { subjectId: string }, ctx: ConsentContext) =>
    changeConsent(ctx.db, parseInput(uuid, args.subjectId), 'GRANTED'),
  withdrawConsent: (_: unknown, args: { subjectId: string }, ctx: ConsentContext) =>
    changeConsent(ctx.db, parseInput(uuid, args.subjectId), 'WITHDRAWN'),
};
