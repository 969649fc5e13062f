// Art. 20-3 outbound joins, external memberships and the exchange's dead
// letters: thin resolvers (validate, call one service), merged into rooms'
// Query and Mutation in resolvers/index.ts.
import type {
  ExchangeDeadLetter as LetterRow,
  ExternalMembership as MembershipRow,
  OutboundJoinRequest as Row,
  OutboundJoinStep as StepRow,
} from '../../../../generated/prisma/client';
import { parseInput, uuid } from '../../../../lib/input';
import type { RoomsContext } from '../../context';
import { listDeadLetters, listInput as deadLetterListInput, retryDeadLetter } from '../services/dead-letter-service';
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
  listOutboundJoins,
  rejectInput,
  stepsOf,
} from '../services/outbound-join-service';
import { userRef } from '../../resolvers/user-ref';

type Args = Record<string, unknown>;

export const OutboundQuery = {
  outboundJoinRequests: (_: unknown, args: Args, ctx: RoomsContext) =>
    listOutboundJoins(ctx, parseInput(listInput, args)),
  outboundJoinRequest: (_: unknown, args: Args, ctx: RoomsContext) =>
    getOutboundJoin(ctx, parseInput(uuid, args.id, 'id')),
  myExternalRooms: (_: unknown, args: Args, ctx: RoomsContext) =>
    myExternalRooms(ctx, parseInput(membershipListInput, args)),
  externalMemberships: (_: unknown, args: Args, ctx: RoomsContext) =>
    externalMemberships(ctx, parseInput(membershipListInput, args)),
  exchangeDeadLetters: (_: unknown, args: Args, ctx: RoomsContext) =>
    listDeadLetters(ctx, parseInput(deadLetterListInput, args)),
};

export const OutboundMutation = {
  askOutboundJoin: (_: unknown, args: Args, ctx: RoomsContext) => askOutboundJoin(ctx, parseInput(askInput, args)),
  confirmOutboundJoin: (_: unknown, args: Args, ctx: RoomsContext) =>
    actOnOutboundJoin(ctx, parseInput(uuid, args.id, 'id'), 'forward'),
  approveOutboundJoin: (_: unknown, args: Args, ctx: RoomsContext) =>
    actOnOutboundJoin(ctx, parseInput(uuid, args.id, 'id'), 'approve'),
  rejectOutboundJoin: (_: unknown, args: Args, ctx: RoomsContext) => {
    const input = parseInput(rejectInput, args);
    return actOnOutboundJoin(ctx, input.id, 'reject', input.reason);
  },
  withdrawOutboundJoin: (_: unknown, args: Args, ctx: RoomsContext) =>
    actOnOutboundJoin(ctx, parseInput(uuid, args.id, 'id'), 'withdraw'),
  retryDeadLetter: (_: unknown, args: Args, ctx: RoomsContext) => retryDeadLetter(ctx, parseInput(uuid, args.id, 'id')),
};

export const OutboundJoinRequest = {
  __resolveReference: (ref: { id: string }, ctx: RoomsContext) => getOutboundJoin(ctx, ref.id),
  requestedBy: (row: Row) => userRef(row.requestedBy),
  steps: (row: Row, _: unknown, ctx: RoomsContext) => stepsOf(ctx, row),
};

export const OutboundJoinStep = {
  actor: (row: StepRow) => (row.actorId ? userRef(row.actorId) : null),
  actorRole: (row: StepRow) => row.actorRole ?? 'SYSTEM',
};

export const ExternalMembership = {
  user: (row: MembershipRow) => userRef(row.userId),
  // The membership is visible only to those who may see its request (the user, its facility manager, the system admin).
  request: (row: MembershipRow, _: unknown, ctx: RoomsContext) => getOutboundJoin(ctx, row.requestId),
};

export const ExchangeDeadLetter = {
  retriedBy: (row: LetterRow) => (row.retriedBy ? userRef(row.retriedBy) : null),
};
