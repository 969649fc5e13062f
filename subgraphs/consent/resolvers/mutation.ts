import { badUserInput } from '../../../lib/graphql-errors';
import { parseInput, uuid } from '../../../lib/input';
import type { ConsentContext } from '../context';
import { todayInJapan } from '../domain/calendar';
import { consentFormProblem } from '../domain/consent-form-rules';
import { reviewDateProblem } from '../domain/legal-exception-rules';
import { consentRecorders, recordConsent, withdrawConsent } from '../services/consent-service';
import { endLegalException, exceptionDeciders, recordLegalException } from '../services/legal-exception-service';
import { subjectIdOf, writer } from './access';
import { disclosureMutation } from './disclosure';
import { consentInput, legalExceptionInput, withdrawalReason } from './inputs';

type Args = Record<string, any>;

function rejectProblem(problem: { field: string; message: string } | null): void {
  if (problem) throw badUserInput(`${problem.field}: ${problem.message}`, problem.field);
}

export const Mutation = {
  recordConsent: async (_: unknown, args: Args, ctx: ConsentContext) => {
    const actor = await writer(ctx, consentRecorders, { what: 'recordConsent', subjectId: subjectIdOf(args.input?.subjectId) });
    const input = parseInput(consentInput, args.input);
    const now = ctx.now();
    rejectProblem(consentFormProblem(input, todayInJapan(now)));
    return recordConsent(ctx.db, actor, input, now);
  },
  withdrawConsent: async (_: unknown, args: Args, ctx: ConsentContext) => {
    const actor = await writer(ctx, consentRecorders, { what: 'withdrawConsent', subjectId: subjectIdOf(args.subjectId) });
    const subjectId = parseInput(uuid, args.subjectId, 'subjectId');
    const reason = parseInput(withdrawalReason, args.reason, 'reason');
    return withdrawConsent(ctx.db, actor, subjectId, reason, ctx.now());
  },
  recordLegalException: async (_: unknown, args: Args, ctx: ConsentContext) => {
    const actor = await writer(ctx, exceptionDeciders, { what: 'recordLegalException', subjectId: subjectIdOf(args.input?.subjectId) });
    const input = parseInput(legalExceptionInput, args.input);
    const now = ctx.now();
    rejectProblem(reviewDateProblem(input.reviewOn, todayInJapan(now)));
    return recordLegalException(ctx.db, actor, input, now);
  },
  endLegalException: async (_: unknown, args: Args, ctx: ConsentContext) => {
    const actor = await writer(ctx, exceptionDeciders, { what: 'endLegalException', subjectId: null });
    return endLegalException(ctx.db, actor, parseInput(uuid, args.id, 'id'), ctx.now());
  },
  ...disclosureMutation,
};
