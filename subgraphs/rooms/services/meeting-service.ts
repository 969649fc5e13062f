// Meetings in a room (Art. 9: professionals hold discussions and meetings):
// members schedule them and record minutes while the room is open.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Meeting, Room } from '../../../generated/prisma/client';
import { notFound } from '../../../lib/graphql-errors';
import { instant, text, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { recordAccess, recordAccessAlone } from './access-records';
import { authorizeRoom, authorizeRoomRead, findRoom } from './room-guard';

export const scheduleMeetingInput = z.object({
  roomId: uuid,
  scheduledAt: instant,
  agenda: text(2000),
});
export const recordMinutesInput = z.object({ meetingId: uuid, minutes: text(20_000) });

export async function scheduleMeeting(
  ctx: RoomsContext,
  input: z.infer<typeof scheduleMeetingInput>,
): Promise<Meeting> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(ctx, room, 'content.write', 'meeting');
  return ctx.db.$transaction(async (tx) => {
    const meeting = await tx.meeting.create({
      data: {
        id: randomUUID(),
        roomId: room.id,
        scheduledAt: input.scheduledAt,
        agenda: input.agenda,
        createdBy: user.userId,
      },
    });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'meeting', outcome: 'SUCCESS' });
    return meeting;
  });
}

export async function recordMinutes(ctx: RoomsContext, input: z.infer<typeof recordMinutesInput>): Promise<Meeting> {
  const meeting = await ctx.db.meeting.findUnique({ where: { id: input.meetingId } });
  if (!meeting)
    throw notFound({
      en: 'There is no such meeting. Check the id.',
      ja: 'その会議はありません。ID を確認してください。',
    });
  const room = await findRoom(ctx, meeting.roomId);
  const user = await authorizeRoom(ctx, room, 'content.write', 'meeting.minutes');
  return ctx.db.$transaction(async (tx) => {
    const updated = await tx.meeting.update({ where: { id: meeting.id }, data: { minutes: input.minutes } });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'meeting.minutes', outcome: 'SUCCESS' });
    return updated;
  });
}

export async function listMeetings(ctx: RoomsContext, room: Room): Promise<Meeting[]> {
  const { user, emergencyAccessId } = await authorizeRoomRead(ctx, room, 'content.read', 'meetings');
  const meetings = await ctx.meetingsByRoom.load(room.id);
  await recordAccessAlone(ctx.db, {
    actor: user,
    room,
    action: 'READ',
    what: 'meetings',
    outcome: 'SUCCESS',
    emergencyAccessId,
  });
  return meetings;
}
