import { z } from 'zod';
import { parseInput } from '../../../lib/input';
import { todayInJapan } from '../../../lib/japan-calendar';
import { verifyConsentAccessChain } from '../services/access-record-service';
import { countExceptionsDueForReview, exceptionDeciders } from '../services/legal-exception-service';
import { writer } from './access';
import { disclosureQuery } from './disclosure';
import type { QueryResolvers } from '../../../generated/graphql/consent-resolvers';

export const Query = {
  legalExceptionReviewCount: async (_, args, ctx) => {
    await writer(ctx, exceptionDeciders, { what: 'legalExceptionReviewCount', subjectId: null });
    const withinDays = parseInput(z.number().int().min(1).max(90), args.withinDays ?? 30, 'withinDays');
    return countExceptionsDueForReview(ctx.db, todayInJapan(ctx.now()), withinDays);
  },
  // Reading the access records is itself recorded, after the verification so it does not race the walk.
  verifyConsentAccessChain: async (_, __, ctx) => {
    await writer(ctx, ['audit.read'], { what: 'verifyConsentAccessChain', subjectId: null });
    const verification = await verifyConsentAccessChain(ctx.db);
    await ctx.accessLog.load({
      action: 'READ',
      what: 'verifyConsentAccessChain',
      subjectId: null,
      outcome: verification.ok ? 'OK' : 'BROKEN',
    });
    return verification;
  },
  ...disclosureQuery,
} satisfies QueryResolvers;
