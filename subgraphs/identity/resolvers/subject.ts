import type { IdentityContext } from '../context';

export const Subject = {
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.subjectById.load(ref.id),
};
