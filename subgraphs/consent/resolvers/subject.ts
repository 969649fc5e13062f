import type { ConsentContext } from '../context';

export const Subject = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  consentStatus: (subject: { id: string }, _: unknown, ctx: ConsentContext) => ctx.statusBySubject.load(subject.id),
};
