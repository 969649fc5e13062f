import type { ConsentRecord as ConsentRecordRow } from '../../../generated/prisma/client';

export const ConsentRecord = {
  subject: (record: ConsentRecordRow) => ({ __typename: 'Subject', id: record.subjectId }),
};
