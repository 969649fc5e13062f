import type { SubjectResolvers } from '../../../generated/graphql/identity-resolvers';
import { subjectIdentifiers } from '../services/subject-service';
import { readSubject } from '../services/directory-service';

export const Subject = {
  // Another subgraph pointing at a subject (a room's, a consent record's) gets
  // its data under the same rule and audit as a direct read.
  __resolveReference: (ref, ctx) => readSubject(ctx, ref.id),
  identifiers: (subject) => subjectIdentifiers(subject),
} satisfies SubjectResolvers;
