// Art. 20-3 outbound joins, external memberships and the exchange's dead
// letters: thin resolvers (validate, call one service), merged into rooms'
// Query and Mutation in resolvers/index.ts.
import { parseInput, uuid } from '../../../../lib/input';
import {
  countDeadLetters,
  listDeadLetters,
  listInput as deadLetterListInput,
  retryDeadLetter,
} from '../services/dead-letter-service';
import {
  externalMemberships,
  listInput as membershipListInput,
  myExternalRooms,
} from '../services/external-membership-service';
import {
  actOnOutboundJoin,
  askInput,
  askOutboundJoin,
  getOutboundJoin,
  listInput,
  countOutboundJoins,
  listOutboundJoins,
  rejectInput,
  stepsOf,
} from '../services/outbound-join-service';
import { userRef } from '../../resolvers/user-ref';
import type {
  ExchangeDeadLetterResolvers,
  ExternalMembershipResolvers,
  MutationResolvers,
  OutboundJoinRequestResolvers,
  OutboundJoinStepResolvers,
  QueryResolvers,
} from '../../../../generated/graphql/rooms-resolvers';

export const OutboundQuery = {
  outboundJoinRequests: (_, args, ctx) => listOutboundJoins(ctx, parseInput(listInput, args)),
  outboundJoinRequestCount: (_, args, ctx) => countOutboundJoins(ctx, parseInput(listInput, args)),
  outboundJoinRequest: (_, args, ctx) => getOutboundJoin(ctx, parseInput(uuid, args.id, 'id')),
  myExternalRooms: (_, args, ctx) => myExternalRooms(ctx, parseInput(membershipListInput, args)),
  externalMemberships: (_, args, ctx) => externalMemberships(ctx, parseInput(membershipListInput, args)),
  exchangeDeadLetters: (_, args, ctx) => listDeadLetters(ctx, parseInput(deadLetterListInput, args)),
  exchangeDeadLetterCount: (_, args, ctx) => countDeadLetters(ctx, parseInput(deadLetterListInput, args)),
} satisfies QueryResolvers;

export const OutboundMutation = {
  askOutboundJoin: (_, args, ctx) => askOutboundJoin(ctx, parseInput(askInput, args)),
  confirmOutboundJoin: (_, args, ctx) => actOnOutboundJoin(ctx, parseInput(uuid, args.id, 'id'), 'forward'),
  approveOutboundJoin: (_, args, ctx) => actOnOutboundJoin(ctx, parseInput(uuid, args.id, 'id'), 'approve'),
  rejectOutboundJoin: (_, args, ctx) => {
    const input = parseInput(rejectInput, args);
    return actOnOutboundJoin(ctx, input.id, 'reject', input.reason);
  },
  withdrawOutboundJoin: (_, args, ctx) => actOnOutboundJoin(ctx, parseInput(uuid, args.id, 'id'), 'withdraw'),
  retryDeadLetter: (_, args, ctx) => retryDeadLetter(ctx, parseInput(uuid, args.id, 'id')),
} satisfies MutationResolvers;

export const OutboundJoinRequest = {
  __resolveReference: (ref, ctx) => getOutboundJoin(ctx, ref.id),
  requestedBy: (row) => userRef(row.requestedBy),
  steps: (row, _, ctx) => stepsOf(ctx, row),
} satisfies OutboundJoinRequestResolvers;

export const OutboundJoinStep = {
  actor: (row) => (row.actorId ? userRef(row.actorId) : null),
  actorRole: (row) => row.actorRole ?? 'SYSTEM',
} satisfies OutboundJoinStepResolvers;

export const ExternalMembership = {
  user: (row) => userRef(row.userId),
  // The membership is visible only to those who may see its request (the user, its facility manager, the system admin).
  request: (row, _, ctx) => getOutboundJoin(ctx, row.requestId),
} satisfies ExternalMembershipResolvers;

export const ExchangeDeadLetter = {
  retriedBy: (row) => (row.retriedBy ? userRef(row.retriedBy) : null),
} satisfies ExchangeDeadLetterResolvers;
