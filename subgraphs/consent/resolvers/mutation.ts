import { badUserInput } from '../../../lib/graphql-errors';
import { parseInput, uuid } from '../../../lib/input';
import { todayInJapan } from '../domain/calendar';
import { consentFormProblem } from '../domain/consent-form-rules';
import { reviewDateProblem } from '../domain/legal-exception-rules';
import { consentRecorders, recordConsent, withdrawConsent } from '../services/consent-service';
import {
  endLegalException,
  exceptionDeciders,
  recordLegalException,
  subjectOfException,
} from '../services/legal-exception-service';
import { careWriter } from './access';
import { disclosureMutation } from './disclosure';
import { consentInput, legalExceptionInput, withdrawalReason } from './inputs';
import type { MutationResolvers } from '../../../generated/graphql/consent-resolvers';
import { aboutField, type Message } from '../../../lib/messages/message';

function rejectProblem(problem: { field: string; message: Message } | null): void {
  if (problem) throw badUserInput(aboutField(problem.field, problem.message), problem.field);
}

export const Mutation = {
  // Input is parsed before the care check: a malformed input says so (it reveals nothing about the subject),
  // and a well-formed one is then refused or allowed by role and care relationship before anything is read.
  recordConsent: async (_, args, ctx) => {
    const input = parseInput(consentInput, args.input);
    const now = ctx.now();
    rejectProblem(consentFormProblem(input, todayInJapan(now)));
    const actor = await careWriter(ctx, consentRecorders, { what: 'recordConsent', subjectId: input.subjectId });
    return recordConsent(ctx.db, actor, input, now);
  },
  withdrawConsent: async (_, args, ctx) => {
    const subjectId = parseInput(uuid, args.subjectId, 'subjectId');
    const reason = parseInput(withdrawalReason, args.reason, 'reason');
    const actor = await careWriter(ctx, consentRecorders, { what: 'withdrawConsent', subjectId });
    return withdrawConsent(ctx.db, actor, subjectId, reason, ctx.now());
  },
  recordLegalException: async (_, args, ctx) => {
    const input = parseInput(legalExceptionInput, args.input);
    const now = ctx.now();
    rejectProblem(reviewDateProblem(input.reviewOn, todayInJapan(now)));
    const actor = await careWriter(ctx, exceptionDeciders, {
      what: 'recordLegalException',
      subjectId: input.subjectId,
    });
    return recordLegalException(ctx.db, actor, input, now);
  },
  endLegalException: async (_, args, ctx) => {
    const id = parseInput(uuid, args.id, 'id');
    // An unknown exception is refused like an unrelated one (FORBIDDEN), so the refusal does not say whether the id exists.
    const actor = await careWriter(ctx, exceptionDeciders, {
      what: 'endLegalException',
      subjectId: await subjectOfException(ctx.db, id),
    });
    return endLegalException(ctx.db, actor, id, ctx.now());
  },
  ...disclosureMutation,
} satisfies MutationResolvers;
