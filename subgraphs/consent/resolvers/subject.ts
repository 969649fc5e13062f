import { todayInJapan } from '../domain/calendar';
import { currentStatus } from '../domain/consent-rules';
import { sharingBasis } from '../domain/sharing-rules';
import { consentRecorders } from '../services/consent-service';
import { exceptionDeciders } from '../services/legal-exception-service';
import { read } from './access';
import type { SubjectResolvers } from '../../../generated/graphql/consent-resolvers';

export const Subject = {
  __resolveReference: (ref) => ({ id: ref.id }),
  consentStatus: (subject, _, ctx) =>
    read(ctx, consentRecorders, { what: 'consentStatus', subjectId: subject.id }, async () =>
      currentStatus((await ctx.historyBySubject.load(subject.id))[0]),
    ),
  consentHistory: (subject, _, ctx) =>
    read(ctx, consentRecorders, { what: 'consentHistory', subjectId: subject.id }, () =>
      ctx.historyBySubject.load(subject.id),
    ),
  legalBases: (subject, _, ctx) =>
    read(ctx, exceptionDeciders, { what: 'legalBases', subjectId: subject.id }, () =>
      ctx.activeExceptionsBySubject.load(subject.id),
    ),
  sharingBasis: (subject, _, ctx) =>
    read(ctx, consentRecorders, { what: 'sharingBasis', subjectId: subject.id }, async () => {
      const [history, exceptions] = await Promise.all([
        ctx.historyBySubject.load(subject.id),
        ctx.activeExceptionsBySubject.load(subject.id),
      ]);
      const facts = exceptions.map((e) => ({
        basis: e.basis,
        reviewOn: e.reviewOn.toISOString().slice(0, 10),
        endedAt: e.endedAt,
      }));
      return sharingBasis(currentStatus(history[0]), facts, todayInJapan(ctx.now()));
    }),
} satisfies SubjectResolvers;
