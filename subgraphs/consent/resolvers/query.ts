import { verifyConsentAccessChain } from '../services/access-record-service';
import { writer } from './access';
import { disclosureQuery } from './disclosure';
import type { QueryResolvers } from '../../../generated/graphql/consent-resolvers';

export const Query = {
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
