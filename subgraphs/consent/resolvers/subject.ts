import { requireAnyOf } from '../../../lib/access/guard';
import { consentRecorders } from '../services/consent-service';
import type { ConsentContext } from '../context';

export const Subject = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  consentStatus: (subject: { id: string }, _: unknown, ctx: ConsentContext) => {
    requireAnyOf(ctx.principal, consentRecorders);
    return ctx.statusBySubject.load(subject.id);
  },
};
