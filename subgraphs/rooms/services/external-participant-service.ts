// Partners' users in our rooms (Art. 20-2): external participants, without a
// local account, shown as the partner asserted them (name, organization,
// partner). Members and managers see them like members; a manager removes
// one. The partner sees, through GET CareTeam/<id>, only the room's status
// and period and its own participants (careTeamForPartner).
import { z } from 'zod';
import type { ExternalParticipant, Room } from '../../../generated/prisma/client';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import { appError, notFound } from '../../../lib/graphql-errors';
import { text } from '../../../lib/input';
import type { RoomsContext, RoomsDb } from '../context';
import { chainStore, recordAccess } from './access-records';
import { authorizeRoom, findRoom } from './room-guard';
import { traceOf } from './inbound-join-service';

export const removeExternalParticipantReason = text(1000);

/** Room.externalParticipants: current ones, for members and managers. */
export async function listExternalParticipants(ctx: RoomsContext, room: Room): Promise<ExternalParticipant[]> {
  await authorizeRoom(ctx, room, 'members.list', 'external-participants');
  return ctx.db.externalParticipant.findMany({ where: { roomId: room.id, removedAt: null }, orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] });
}

export async function removeExternalParticipant(ctx: RoomsContext, id: string, reason: z.infer<typeof removeExternalParticipantReason>, now = new Date()): Promise<ExternalParticipant> {
  const participant = await ctx.db.externalParticipant.findUnique({ where: { id } });
  if (!participant) throw notFound('no such external participant');
  const room = await findRoom(ctx, participant.roomId);
  const user = await authorizeRoom(ctx, room, 'members.remove', 'external-participant.remove');
  if (participant.removedAt) throw appError('CONFLICT', 'the participant was already removed');
  return ctx.db.$transaction(async (tx) => {
    const moved = await tx.externalParticipant.updateMany({ where: { id, removedAt: null }, data: { removedAt: now, removedBy: user.userId, removedReason: reason } });
    if (moved.count !== 1) throw appError('CONFLICT', 'the participant was already removed');
    const request = await tx.inboundJoinRequest.findUnique({ where: { id: participant.joinRequestId }, select: { correlationId: true, taskIdentifier: true } });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: `external-participant.remove#${request ? traceOf(request) : participant.joinRequestId}`, outcome: 'SUCCESS' });
    return tx.externalParticipant.findUniqueOrThrow({ where: { id } });
  });
}

export interface PartnerCareTeamView {
  room: Pick<Room, 'id' | 'status' | 'openedAt' | 'closedAt'>;
  participants: ExternalParticipant[];
}

/**
 * What one partner may see of a room: null unless one of its users is or was
 * an external participant there (any other room, or another partner's, is
 * "not found" to it). The read is recorded in rooms' access chain.
 */
export async function careTeamForPartner(db: Pick<RoomsDb, 'room' | 'externalParticipant' | 'roomsAccessRecord' | '$executeRaw' | '$transaction'>, roomId: string, partnerId: string): Promise<PartnerCareTeamView | null> {
  const participants = await db.externalParticipant.findMany({ where: { roomId, partnerId }, orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] });
  if (participants.length === 0) return null;
  const room = await db.room.findUnique({ where: { id: roomId } });
  if (!room) return null;
  await db.$transaction((tx) =>
    appendAccessRecord(chainStore(tx), { at: new Date(), actorId: null, actorRole: `PARTNER:${partnerId}`, subjectId: room.subjectId, roomId, action: 'READ', what: 'care-team.read', outcome: 'SUCCESS' }),
  );
  return { room: { id: room.id, status: room.status, openedAt: room.openedAt, closedAt: room.closedAt }, participants };
}
