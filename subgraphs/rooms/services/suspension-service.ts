// Consent withdrawn → the subject's rooms stop sharing (domain brief: "the
// room is suspended (read-only, no new members) and its managers are told").
// Called by the consent-withdrawn job, never by a client. In one transaction
// every OPEN room of the subject becomes SUSPENDED, gets one RoomNotice and
// one access record (actor: the system). The status change is conditional
// (OPEN → SUSPENDED) and the notice's cause id is unique, so a retried or
// duplicated job changes nothing.
//
// Consent granted again later does not reopen anything: the rooms stay
// SUSPENDED until a manager reopens them (reopening is not built yet).
import { randomUUID } from 'node:crypto';
import type { Room, RoomNotice } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import type { RoomsContext } from '../context';
import { chainStore } from './access-records';
import { accessOf, refuse } from './room-guard';

export type SuspensionDb = Pick<PrismaClient, 'room' | 'roomNotice' | 'roomsAccessRecord' | '$transaction'>;

export const consentWithdrawnNotice = 'CONSENT_WITHDRAWN';
/** No personal data: the managers open the room and the subject's consent history to learn more. */
const noticeMessage = "The subject's consent to information sharing was withdrawn: the room is suspended (read-only, no new members).";


/**
 * `causeId` names the withdrawal (one per withdrawal); each room's notice is
 * keyed by `causeId:roomId`. Returns the ids of the rooms suspended now.
 */
export function suspendRoomsForWithdrawnConsent(db: SuspensionDb, input: { subjectId: string; causeId: string }, at: Date = new Date()): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const rooms = await tx.room.findMany({ where: { subjectId: input.subjectId, status: 'OPEN' }, orderBy: { id: 'asc' } });
    const suspended: string[] = [];
    for (const room of rooms) {
      // Conditional on OPEN: a concurrent run, or a manager closing it meanwhile, wins cleanly.
      const changed = await tx.room.updateMany({ where: { id: room.id, status: 'OPEN' }, data: { status: 'SUSPENDED' } });
      if (changed.count === 0) continue;
      await tx.roomNotice.createMany({
        data: [{ id: randomUUID(), roomId: room.id, kind: consentWithdrawnNotice, message: noticeMessage, causeId: `${input.causeId}:${room.id}`, createdAt: at }],
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
    throw await refuse(ctx, user, room, 'room.notices', { allowed: false, code: 'FORBIDDEN', message: "only the room's managers see its notices" });
  }
  return ctx.db.roomNotice.findMany({ where: { roomId: room.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}
