// ConsentRecord and LegalException: rows mapped to their GraphQL shape.
import type {
  ConsentRecord as ConsentRecordRow,
  LegalException as LegalExceptionRow,
} from '../../../generated/prisma/client';

const subjectRef = (row: { subjectId: string }) => ({ __typename: 'Subject', id: row.subjectId });

export const ConsentRecord = {
  subject: subjectRef,
  // Entries from before Forms 6/7 were kept, and withdrawals, have no form.
  explanation: (row: ConsentRecordRow) =>
    row.explainedOn && row.explainedBy ? { explainedBy: row.explainedBy, explainedOn: row.explainedOn } : null,
  signature: (row: ConsentRecordRow) =>
    row.signedBy && row.signedOn
      ? { signedBy: row.signedBy, signerName: row.signerName, relationship: row.relationship, signedOn: row.signedOn }
      : null,
};

export const LegalException = {
  subject: (row: LegalExceptionRow) => subjectRef(row),
};
