// Rooms' part of the Art. 20-2 inbound exchange: share codes, partners' join
// requests and external participants. Thin: parse, call one service, map.
import { z } from 'zod';
import type {
  ExternalParticipant as ParticipantRow,
  InboundJoinRequest as RequestRow,
  InboundJoinStep as StepRow,
  Room as RoomRow,
  RoomShareCode as ShareCodeRow,
} from '../../../../generated/prisma/client';
import { parseInput, uuid } from '../../../../lib/input';
import type { RoomsContext } from '../../context';
import {
  listExternalParticipants,
  removeExternalParticipant,
  removeExternalParticipantReason,
} from '../services/external-participant-service';
import {
  cancelInboundJoin,
  decideInboundJoin,
  getInboundJoinRequest,
  listInboundJoinRequests,
  participantOfRequest,
  rejectReason,
  stepsOf,
} from '../services/inbound-join-service';
import {
  issueRoomShareCode,
  issueShareCodeArgs,
  listRoomShareCodes,
  revokeRoomShareCode,
  shareCodeStatus,
} from '../services/share-code-service';
import { userRef } from '../../resolvers/user-ref';

type Args = Record<string, unknown>;
const statusArg = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED']).optional().nullable();

export const InboundQuery = {
  inboundJoinRequests: (_: unknown, args: Args, ctx: RoomsContext) =>
    listInboundJoinRequests(ctx, parseInput(statusArg, args.status, 'status')),
  inboundJoinRequest: (_: unknown, args: Args, ctx: RoomsContext) =>
    getInboundJoinRequest(ctx, parseInput(uuid, args.id, 'id')),
};

export const InboundMutation = {
  issueRoomShareCode: (_: unknown, args: Args, ctx: RoomsContext) =>
    issueRoomShareCode(ctx, parseInput(issueShareCodeArgs, args)),
  revokeRoomShareCode: (_: unknown, args: Args, ctx: RoomsContext) =>
    revokeRoomShareCode(ctx, parseInput(uuid, args.id, 'id')),
  approveInboundJoin: (_: unknown, args: Args, ctx: RoomsContext) =>
    decideInboundJoin(ctx, parseInput(uuid, args.id, 'id'), { approve: true }),
  rejectInboundJoin: (_: unknown, args: Args, ctx: RoomsContext) =>
    decideInboundJoin(ctx, parseInput(uuid, args.id, 'id'), {
      approve: false,
      reason: parseInput(rejectReason, args.reason, 'reason'),
    }),
  cancelInboundJoin: (_: unknown, args: Args, ctx: RoomsContext) =>
    cancelInboundJoin(ctx, parseInput(uuid, args.id, 'id'), parseInput(rejectReason, args.reason, 'reason')),
  removeExternalParticipant: (_: unknown, args: Args, ctx: RoomsContext) =>
    removeExternalParticipant(
      ctx,
      parseInput(uuid, args.id, 'id'),
      parseInput(removeExternalParticipantReason, args.reason, 'reason'),
    ),
};

/** Fields rooms adds to Room for the exchange. */
export const RoomExchangeFields = {
  shareCodes: (room: RoomRow, _: unknown, ctx: RoomsContext) => listRoomShareCodes(ctx, room),
  externalParticipants: (room: RoomRow, _: unknown, ctx: RoomsContext) => listExternalParticipants(ctx, room),
};

export const RoomShareCode = {
  status: (code: ShareCodeRow) => shareCodeStatus(code, new Date()),
  issuedBy: (code: ShareCodeRow) => userRef(code.issuedBy),
  revokedBy: (code: ShareCodeRow) => (code.revokedBy ? userRef(code.revokedBy) : null),
};

export const InboundJoinRequest = {
  room: (request: RequestRow, _: unknown, ctx: RoomsContext) => ctx.roomById.load(request.roomId),
  practitionerIdentifier: (request: RequestRow) => `${request.practitionerSystem}|${request.practitionerValue}`,
  decidedBy: (request: RequestRow) => (request.decidedBy ? userRef(request.decidedBy) : null),
  history: (request: RequestRow, _: unknown, ctx: RoomsContext) => stepsOf(ctx.db, request.id),
  externalParticipant: (request: RequestRow, _: unknown, ctx: RoomsContext) => participantOfRequest(ctx.db, request.id),
};

export const InboundJoinStep = {
  actor: (step: StepRow) => (step.actorId ? userRef(step.actorId) : null),
  actorRole: (step: StepRow) => step.actorRole ?? 'SYSTEM',
};

export const ExternalParticipant = {
  practitionerIdentifier: (p: ParticipantRow) => `${p.practitionerSystem}|${p.practitionerValue}`,
  assertedByPartner: () => true,
  addedBy: (p: ParticipantRow) => userRef(p.addedBy),
  removedBy: (p: ParticipantRow) => (p.removedBy ? userRef(p.removedBy) : null),
};
