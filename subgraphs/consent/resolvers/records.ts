// ConsentRecord and LegalException: rows mapped to their GraphQL shape.
import type { ConsentRecordResolvers, LegalExceptionResolvers } from '../../../generated/graphql/consent-resolvers';
import { storedEnum } from '../../../lib/invariants';
import { signatories } from '../domain/consent-form-rules';

const subjectRef = (row: { subjectId: string }) => ({ __typename: 'Subject', id: row.subjectId });

export const ConsentRecord = {
  subject: subjectRef,
  // Entries from before Forms 6/7 were kept, and withdrawals, have no form.
  explanation: (row) =>
    row.explainedOn && row.explainedBy ? { explainedBy: row.explainedBy, explainedOn: row.explainedOn } : null,
  signature: (row) =>
    row.signedBy && row.signedOn
      ? {
          signedBy: storedEnum(signatories, row.signedBy),
          signerName: row.signerName,
          relationship: row.relationship,
          signedOn: row.signedOn,
        }
      : null,
} satisfies ConsentRecordResolvers;

export const LegalException = {
  subject: (row) => subjectRef(row),
} satisfies LegalExceptionResolvers;
