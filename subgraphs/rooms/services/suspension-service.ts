// Sharing stops → the subject's rooms are suspended (Art. 19: once consent is
// withdrawn the room must stop sharing; we make it read-only, with no new
// members, and tell its managers): when
// consent is withdrawn (consent-withdrawn job) or when the legal exception a
// room relied on passes its review date unreviewed (sharing-review job).
// Called by jobs, never by a client. In one transaction every OPEN room of
// the subject becomes SUSPENDED, gets one RoomNotice and one access record
// (actor: the system). The status change is conditional (OPEN → SUSPENDED)
// and the notice's cause id is unique, so a retried or duplicated job
// changes nothing.
//
// Sharing allowed again does not reopen anything by itself: a room's manager
// resumes it (resumeRoom), which is checked against rooms' sharing view, so
// a person decides that the room's members should see the subject again.
import { randomUUID } from 'node:crypto';
import type { Room, RoomNotice } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import type { RoomsContext } from '../context';
import { chainStore, recordAccess, recordAccessAlone } from './access-records';
import { accessOf, findRoom, refuse } from './room-guard';
import { sharingAllowed } from '../domain/sharing-rules';
import { appError, conflict } from '../../../lib/graphql-errors';
import { roomStatusNames } from '../domain/room-access';

export type SuspensionDb = Pick<PrismaClient, 'room' | 'roomNotice' | 'roomsAccessRecord' | '$transaction'>;

/** No personal data: the managers open the room and the subject's consent history to learn more. */
const notices = {
  CONSENT_WITHDRAWN:
    "The subject's consent to information sharing was withdrawn: the room is suspended (read-only, no new members).",
  SHARING_BASIS_LAPSED:
    'The legal exception this room relied on has passed its review date without being renewed: the room is suspended (read-only, no new members). Record consent or review the exception, then resume the room.',
  RESUMED: 'The room was resumed: sharing is allowed again.',
} as const;
export type SuspensionCause = 'CONSENT_WITHDRAWN' | 'SHARING_BASIS_LAPSED';
export const consentWithdrawnNotice: SuspensionCause = 'CONSENT_WITHDRAWN';

/**
 * `causeId` names the withdrawal (one per withdrawal); each room's notice is
 * keyed by `causeId:roomId`. Returns the ids of the rooms suspended now.
 */
export function suspendRoomsOfSubject(
  db: SuspensionDb,
  input: { subjectId: string; causeId: string; cause: SuspensionCause },
  at: Date = new Date(),
): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const rooms = await tx.room.findMany({
      where: { subjectId: input.subjectId, status: 'OPEN' },
      orderBy: { id: 'asc' },
    });
    const suspended: string[] = [];
    for (const room of rooms) {
      // Conditional on OPEN: a concurrent run, or a manager closing it meanwhile, wins cleanly.
      const changed = await tx.room.updateMany({
        where: { id: room.id, status: 'OPEN' },
        data: { status: 'SUSPENDED' },
      });
      if (changed.count === 0) continue;
      await tx.roomNotice.createMany({
        data: [
          {
            id: randomUUID(),
            roomId: room.id,
            kind: input.cause,
            message: notices[input.cause],
            causeId: `${input.causeId}:${room.id}`,
            createdAt: at,
          },
        ],
        skipDuplicates: true,
      });
      await appendAccessRecord(chainStore(tx), {
        at,
        actorId: null,
        actorRole: 'SYSTEM',
        subjectId: room.subjectId,
        roomId: room.id,
        action: 'WRITE',
        what: 'room-suspension',
        outcome: 'SUCCESS',
      });
      suspended.push(room.id);
    }
    return suspended;
  });
}

/** Room.notices: for the room's managers (its opener and the system admin), newest first. */
export async function listNotices(ctx: RoomsContext, room: Room): Promise<RoomNotice[]> {
  const { user, access } = await accessOf(ctx, room);
  if (!access.manager) {
    throw await refuse(ctx, user, room, 'room.notices', {
      allowed: false,
      code: 'FORBIDDEN',
      message: {
        en: "Only the room's managers see its notices.",
        ja: '部屋のお知らせを見られるのは部屋の管理者だけです。',
      },
    });
  }
  return ctx.db.roomNotice.findMany({ where: { roomId: room.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * A room's manager resumes a SUSPENDED room once rooms' sharing view allows
 * sharing again (consent recorded, or an exception in force and not past
 * review). CONFLICT otherwise; ILLEGAL_TRANSITION unless SUSPENDED.
 */
export async function resumeRoom(ctx: RoomsContext, roomId: string): Promise<Room> {
  const room = await findRoom(ctx, roomId);
  const { user, access } = await accessOf(ctx, room);
  if (!access.manager)
    throw await refuse(ctx, user, room, 'room.resume', {
      allowed: false,
      code: 'FORBIDDEN',
      message: {
        en: "Only the room's managers may resume it.",
        ja: '部屋を再開できるのは部屋の管理者だけです。',
      },
    });
  if (room.status !== 'SUSPENDED')
    throw await refuse(ctx, user, room, 'room.resume', {
      allowed: false,
      code: 'ILLEGAL_TRANSITION',
      message: {
        en: `The room is ${roomStatusNames[room.status].en}, not suspended: there is nothing to resume.`,
        ja: `この部屋は${roomStatusNames[room.status].ja}で、一時停止中ではないため再開できません。`,
      },
    });
  const now = new Date();
  const sharing = await ctx.db.subjectSharing.findUnique({ where: { subjectId: room.subjectId } });
  if (!sharingAllowed(sharing, now)) {
    await recordAccessAlone(ctx.db, { actor: user, room, action: 'DENIED', what: 'room.resume', outcome: 'CONFLICT' });
    throw conflict({
      en: "The subject's consent (Form 7) or a legal exception in force is required before the room is resumed. Record one first.",
      ja: '部屋を再開するには、対象者の同意（様式7）または有効な法令による例外が必要です。先に記録してください。',
    });
  }
  const resumed = await ctx.db.$transaction(async (tx) => {
    // Conditional on SUSPENDED: a concurrent resume or closing wins cleanly.
    const changed = await tx.room.updateMany({ where: { id: room.id, status: 'SUSPENDED' }, data: { status: 'OPEN' } });
    if (changed.count === 0)
      throw appError('ILLEGAL_TRANSITION', {
        en: 'The room changed meanwhile. Reload it and try again.',
        ja: 'その間に部屋が変更されました。読み込み直してからやり直してください。',
      });
    await tx.roomNotice.create({
      data: {
        id: randomUUID(),
        roomId: room.id,
        kind: 'RESUMED',
        message: notices.RESUMED,
        causeId: `resumed:${randomUUID()}`,
        createdAt: now,
      },
    });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'room.resume', outcome: 'SUCCESS' });
    return tx.room.findUniqueOrThrow({ where: { id: room.id } });
  });
  ctx.roomById.clear(room.id).prime(room.id, resumed);
  return resumed;
}
