// Break-glass resolvers, merged into the rooms subgraph's map by
// ../../resolvers/index.ts: its types and the fields it adds to Query and
// Mutation. The justification and the findings are the system admin's
// notes: a grantee reading its own access sees neither.
import type {
  DisclosedEmergencyAccessResolvers,
  EmergencyAccessResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../../../../generated/graphql/rooms-resolvers';
import { can } from '../../../../lib/access/permissions';
import { parseInput, uuid } from '../../../../lib/input';
import type { RoomsContext } from '../../context';
import { userRef } from '../../resolvers/user-ref';
import { statusAt } from '../domain/emergency-access-rules';
import {
  countEmergencyAccesses,
  countInput,
  declareEmergencyAccess,
  declareInput,
  endEmergencyAccess,
  getEmergencyAccess,
  listEmergencyAccesses,
  listInput,
  myEmergencyAccesses,
  recordEmergencyAccessReview,
  reviewInput,
} from '../services/emergency-access-service';

const administrator = (ctx: RoomsContext) => ctx.principal.kind === 'user' && can(ctx.principal, 'emergency.declare');

export const EmergencyQuery = {
  emergencyAccesses: (_, args, ctx) => listEmergencyAccesses(ctx, parseInput(listInput, args)),
  emergencyAccess: (_, args, ctx) => getEmergencyAccess(ctx, parseInput(uuid, args.id, 'id')),
  myEmergencyAccesses: (_, __, ctx) => myEmergencyAccesses(ctx),
  emergencyAccessCount: (_, args, ctx) => countEmergencyAccesses(ctx, parseInput(countInput, args)),
} satisfies QueryResolvers;

export const EmergencyMutation = {
  declareEmergencyAccess: (_, args, ctx) => declareEmergencyAccess(ctx, parseInput(declareInput, args.input, 'input')),
  endEmergencyAccess: (_, args, ctx) => endEmergencyAccess(ctx, parseInput(uuid, args.id, 'id')),
  recordEmergencyAccessReview: (_, args, ctx) => recordEmergencyAccessReview(ctx, parseInput(reviewInput, args)),
} satisfies MutationResolvers;

export const EmergencyAccess = {
  subject: (access) => ({ __typename: 'Subject', id: access.subjectId }),
  justification: (access, _, ctx) => (administrator(ctx) ? access.justification : null),
  findings: (access, _, ctx) => (administrator(ctx) ? access.findings : null),
  grantees: (access) => access.grantees.map((grantee) => userRef(grantee.userId)),
  declaredBy: (access) => userRef(access.declaredBy),
  endedBy: (access) => (access.endedBy ? userRef(access.endedBy) : null),
  reviewedBy: (access) => (access.reviewedBy ? userRef(access.reviewedBy) : null),
  status: (access, _, ctx) => statusAt(access, ctx.now()),
  // Each Room field checks the caller's access to that room itself (resolvers/room.ts).
  rooms: (access, _, ctx) =>
    ctx.db.room.findMany({ where: { subjectId: access.subjectId }, orderBy: [{ openedAt: 'asc' }, { id: 'asc' }] }),
} satisfies EmergencyAccessResolvers;

export const DisclosedEmergencyAccess = {} satisfies DisclosedEmergencyAccessResolvers;
