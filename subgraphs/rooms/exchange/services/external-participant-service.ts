// Partners' users in our rooms (Art. 20-2): external participants, without a
// local account, shown as the partner asserted them (name, organization,
// partner). Members and managers see them like members; a manager removes
// one. The partner sees, through GET CareTeam/<id>, only the room's status
// and period and its own participants (careTeamForPartner); once sharing has
// stopped (consent withdrawn, an exception lapsed, the room suspended or
// closed), only the status. Every partner read, and every refused one, is in
// rooms' access chain under `PARTNER:<partner id>` (recordPartnerAccess).
import { type z } from 'zod';
import type { ExternalParticipant, Room } from '../../../../generated/prisma/client';
import { appendAccessRecord } from '../../../../lib/audit/access-log';
import { appError, notFound } from '../../../../lib/graphql-errors';
import { isUuid, text } from '../../../../lib/input';
import type { RoomsContext, RoomsDb } from '../../context';
import { chainStore, recordAccess } from '../../services/access-records';
import { authorizeRoom, findRoom } from '../../services/room-guard';
import { traceOf } from './inbound-join-service';
import { sharingAllowed } from '../../domain/sharing-rules';
import { partnerCareTeamScope, partnerTarget, type PartnerCareTeamView } from '../domain/partner-view';

export const removeExternalParticipantReason = text(1000);

/** Room.externalParticipants: current ones, for members and managers. */
export async function listExternalParticipants(ctx: RoomsContext, room: Room): Promise<ExternalParticipant[]> {
  await authorizeRoom(ctx, room, 'members.list', 'external-participants');
  return ctx.db.externalParticipant.findMany({
    where: { roomId: room.id, removedAt: null },
    orderBy: [{ addedAt: 'asc' }, { id: 'asc' }],
  });
}

export async function removeExternalParticipant(
  ctx: RoomsContext,
  id: string,
  reason: z.infer<typeof removeExternalParticipantReason>,
  now = new Date(),
): Promise<ExternalParticipant> {
  const participant = await ctx.db.externalParticipant.findUnique({ where: { id } });
  if (!participant)
    throw notFound({
      en: 'There is no such external participant. Check the id.',
      ja: 'その外部参加者はありません。ID を確認してください。',
    });
  const room = await findRoom(ctx, participant.roomId);
  const user = await authorizeRoom(ctx, room, 'members.remove', 'external-participant.remove');
  if (participant.removedAt)
    throw appError('CONFLICT', {
      en: 'The participant was already removed.',
      ja: 'この参加者はすでに削除されています。',
    });
  return ctx.db.$transaction(async (tx) => {
    const moved = await tx.externalParticipant.updateMany({
      where: { id, removedAt: null },
      data: { removedAt: now, removedBy: user.userId, removedReason: reason },
    });
    if (moved.count !== 1)
      throw appError('CONFLICT', {
        en: 'The participant was already removed.',
        ja: 'この参加者はすでに削除されています。',
      });
    const request = await tx.inboundJoinRequest.findUnique({
      where: { id: participant.joinRequestId },
      select: { correlationId: true, taskIdentifier: true },
    });
    await recordAccess(tx, {
      actor: user,
      room,
      action: 'WRITE',
      what: `external-participant.remove#${request ? traceOf(request) : participant.joinRequestId}`,
      outcome: 'SUCCESS',
    });
    return tx.externalParticipant.findUniqueOrThrow({ where: { id } });
  });
}

type PartnerAccessDb = Pick<RoomsDb, 'room' | 'roomsAccessRecord' | '$executeRaw' | '$transaction'>;

export interface PartnerAccessEvent {
  partnerId: string;
  /** The room concerned, when there is one; rooms adds its subject itself. */
  roomId: string | null;
  action: 'READ' | 'DENIED';
  /** care-team.read, care-team.read-status, task.read#<id>, ... */
  what: string;
  /** SUCCESS, or the refusal's code (NOT_FOUND). */
  outcome: string;
}

/**
 * A partner's read, or refused attempt, in rooms' access chain. A refusal
 * names the room and subject when the target exists (another partner's Task
 * or a room the partner has no part in), so the subject's disclosure report
 * shows the attempt; the partner's answer is the same 404 either way.
 */
export async function recordPartnerAccess(db: PartnerAccessDb, event: PartnerAccessEvent): Promise<void> {
  const room =
    event.roomId && isUuid(event.roomId)
      ? await db.room.findUnique({ where: { id: event.roomId }, select: { id: true, subjectId: true } })
      : null;
  await appendPartnerRecord(db, room, event);
}

function appendPartnerRecord(
  db: PartnerAccessDb,
  room: { id: string; subjectId: string } | null,
  event: Omit<PartnerAccessEvent, 'roomId'>,
): Promise<void> {
  return db.$transaction((tx) =>
    appendAccessRecord(chainStore(tx), {
      at: new Date(),
      actorId: null,
      actorRole: `PARTNER:${event.partnerId}`,
      subjectId: room?.subjectId ?? null,
      roomId: room?.id ?? null,
      action: event.action,
      what: event.what,
      outcome: event.outcome,
    }),
  );
}

/**
 * What one partner may see of a room: null unless one of its users is or was
 * an external participant there (any other room, or another partner's, is
 * "not found" to it, and the attempt is recorded as DENIED); then the view
 * partnerCareTeamScope allows. Every answer is recorded in rooms' access chain.
 */
export async function careTeamForPartner(
  db: Pick<
    RoomsDb,
    'room' | 'externalParticipant' | 'subjectSharing' | 'roomsAccessRecord' | '$executeRaw' | '$transaction'
  >,
  roomId: string,
  partnerId: string,
  now: Date = new Date(),
): Promise<PartnerCareTeamView | null> {
  const target = partnerTarget(roomId);
  const room = target === 'malformed' ? null : await db.room.findUnique({ where: { id: target } });
  const participants = room
    ? await db.externalParticipant.findMany({
        where: { roomId: room.id, partnerId },
        orderBy: [{ addedAt: 'asc' }, { id: 'asc' }],
      })
    : [];
  if (!room || participants.length === 0) {
    await appendPartnerRecord(db, room, {
      partnerId,
      action: 'DENIED',
      what: `care-team.read#${target}`,
      outcome: 'NOT_FOUND',
    });
    return null;
  }
  const sharing = await db.subjectSharing.findUnique({
    where: { subjectId: room.subjectId },
    select: { allowed: true, validThrough: true },
  });
  const scope = partnerCareTeamScope(room.status, sharingAllowed(sharing, now));
  if (scope.scope === 'status') {
    await appendPartnerRecord(db, room, {
      partnerId,
      action: 'READ',
      what: 'care-team.read-status',
      outcome: 'SUCCESS',
    });
    return { scope: 'status', room: { id: room.id, status: scope.status } };
  }
  // The full view is only ever for an OPEN room (partnerCareTeamScope).
  await appendPartnerRecord(db, room, { partnerId, action: 'READ', what: 'care-team.read', outcome: 'SUCCESS' });
  return { scope: 'full', room: { id: room.id, status: 'OPEN', openedAt: room.openedAt }, participants };
}
