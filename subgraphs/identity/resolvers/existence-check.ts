// ExistenceCheck.matchingSubjects: identity's kana matching offered to
// rooms' Art. 18 check through federation, so rooms never reads identity's
// tables. The gateway passes the question (nameKana, birthDate) it read
// from rooms, which already refused callers who may not see the check.
//
// Narrower than findSubjects (room.submit or room.decide): candidates are
// for the deciders only (room.decide: admin and hospital managers, system
// admin). The requester (a USER) and its facility manager are refused with
// FORBIDDEN, audited, rather than given an empty list: an empty list would
// read as "no such person", which is not what they were told.
import { can } from '../../../lib/access/permissions';
import { parseInput } from '../../../lib/input';
import type { ExistenceCheckResolvers } from '../../../generated/graphql/identity-resolvers';
import { forbid, requireUser } from '../services/access-guard';
import { findSubjects, findSubjectsArgs } from '../services/subject-service';

export const ExistenceCheck = {
  // The gateway's representation is the check (its key and, for matchingSubjects, the question): see parents.ts.
  __resolveReference: (ref) => ref,
  matchingSubjects: async (check, _, ctx) => {
    const user = requireUser(ctx);
    if (!can(user, 'room.decide')) await forbid(ctx, 'subject.find', 'ExistenceCheck', check.id);
    return findSubjects(ctx, parseInput(findSubjectsArgs, { nameKana: check.nameKana, birthDate: check.birthDate }));
  },
} satisfies ExistenceCheckResolvers;
