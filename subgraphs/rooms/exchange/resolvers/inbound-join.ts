// Rooms' part of the Art. 20-2 inbound exchange: share codes, partners' join
// requests and external participants. Thin: parse, call one service, map.
import { z } from 'zod';
import { parseInput, uuid } from '../../../../lib/input';
import { nonNull } from '../../../../lib/invariants';
import {
  listExternalParticipants,
  removeExternalParticipant,
  removeExternalParticipantReason,
} from '../services/external-participant-service';
import {
  cancelInboundJoin,
  decideInboundJoin,
  getInboundJoinRequest,
  countInboundJoinRequests,
  listInboundJoinRequests,
  participantOfRequest,
  rejectReason,
  stepsOf,
  type ConsentBasis,
} from '../services/inbound-join-service';
import {
  issueRoomShareCode,
  issueShareCodeArgs,
  listRoomShareCodes,
  revokeRoomShareCode,
  shareCodeStatus,
} from '../services/share-code-service';
import { userRef } from '../../resolvers/user-ref';
import type {
  ExternalParticipantResolvers,
  InboundJoinRequestResolvers,
  InboundJoinStepResolvers,
  MutationResolvers,
  QueryResolvers,
  RoomResolvers,
  RoomShareCodeResolvers,
} from '../../../../generated/graphql/rooms-resolvers';

const statusArg = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED']).optional().nullable();

export const InboundQuery = {
  inboundJoinRequests: (_, args, ctx) => listInboundJoinRequests(ctx, parseInput(statusArg, args.status, 'status')),
  inboundJoinRequestCount: (_, args, ctx) =>
    countInboundJoinRequests(ctx, parseInput(statusArg, args.status, 'status')),
  inboundJoinRequest: (_, args, ctx) => getInboundJoinRequest(ctx, parseInput(uuid, args.id, 'id')),
} satisfies QueryResolvers;

export const InboundMutation = {
  issueRoomShareCode: (_, args, ctx) => issueRoomShareCode(ctx, parseInput(issueShareCodeArgs, args)),
  revokeRoomShareCode: (_, args, ctx) => revokeRoomShareCode(ctx, parseInput(uuid, args.id, 'id')),
  approveInboundJoin: (_, args, ctx) => decideInboundJoin(ctx, parseInput(uuid, args.id, 'id'), { approve: true }),
  rejectInboundJoin: (_, args, ctx) =>
    decideInboundJoin(ctx, parseInput(uuid, args.id, 'id'), {
      approve: false,
      reason: parseInput(rejectReason, args.reason, 'reason'),
    }),
  cancelInboundJoin: (_, args, ctx) =>
    cancelInboundJoin(ctx, parseInput(uuid, args.id, 'id'), parseInput(rejectReason, args.reason, 'reason')),
  removeExternalParticipant: (_, args, ctx) =>
    removeExternalParticipant(
      ctx,
      parseInput(uuid, args.id, 'id'),
      parseInput(removeExternalParticipantReason, args.reason, 'reason'),
    ),
} satisfies MutationResolvers;

/** Stored [{ system, value }] (written only by createInboundJoinRequestIn, checked there) as system|value texts. */
function identifierTexts(stored: unknown): string[] {
  return Array.isArray(stored)
    ? (stored as Array<{ system: string; value: string }>).map((i) => `${i.system}|${i.value}`)
    : [];
}

/** Fields rooms adds to Room for the exchange. */
export const RoomExchangeFields = {
  shareCodes: (room, _, ctx) => listRoomShareCodes(ctx, room),
  externalParticipants: (room, _, ctx) => listExternalParticipants(ctx, room),
} satisfies RoomResolvers;

export const RoomShareCode = {
  status: (code) => shareCodeStatus(code, new Date()),
  issuedBy: (code) => userRef(code.issuedBy),
  revokedBy: (code) => (code.revokedBy ? userRef(code.revokedBy) : null),
} satisfies RoomShareCodeResolvers;

export const InboundJoinRequest = {
  room: (request, _, ctx) => nonNull(ctx.roomById.load(request.roomId)),
  practitionerIdentifier: (request) => `${request.practitionerSystem}|${request.practitionerValue}`,
  organizationIdentifiers: (request) => identifierTexts(request.organizationIdentifiers),
  // Written only by createInboundJoinRequestIn, through consentBasisSchema.
  consentBasis: (request) => (request.consentBasis as ConsentBasis | null) ?? null,
  decidedBy: (request) => (request.decidedBy ? userRef(request.decidedBy) : null),
  history: (request, _, ctx) => stepsOf(ctx.db, request.id),
  externalParticipant: (request, _, ctx) => participantOfRequest(ctx.db, request.id),
} satisfies InboundJoinRequestResolvers;

export const InboundJoinStep = {
  actor: (step) => (step.actorId ? userRef(step.actorId) : null),
  actorRole: (step) => step.actorRole ?? 'SYSTEM',
} satisfies InboundJoinStepResolvers;

export const ExternalParticipant = {
  practitionerIdentifier: (p) => `${p.practitionerSystem}|${p.practitionerValue}`,
  organizationIdentifiers: (p) => identifierTexts(p.organizationIdentifiers),
  assertedByPartner: () => true,
  addedBy: (p) => userRef(p.addedBy),
  removedBy: (p) => (p.removedBy ? userRef(p.removedBy) : null),
} satisfies ExternalParticipantResolvers;
