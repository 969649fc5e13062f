import type { Subject as SubjectRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';
import { subjectIdentifiers } from '../services/subject-service';
import { readSubject } from '../services/directory-service';

export const Subject = {
  // Another subgraph pointing at a subject (a room's, a consent record's) gets
  // its data under the same rule and audit as a direct read.
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) => readSubject(ctx, ref.id),
  identifiers: (subject: SubjectRow) => subjectIdentifiers(subject),
};
