// Room members: listing. Members change only through Form 9
// (room-application-service.ts, paper-room-forms.ts).
import type { Room } from '../../../generated/prisma/client';
import type { RoomsContext } from '../context';
import { recordAccessAlone } from './access-records';
import { authorizeRoomRead } from './room-guard';

export async function listMembers(ctx: RoomsContext, room: Room) {
  const { user, emergencyAccessId } = await authorizeRoomRead(ctx, room, 'members.list', 'members');
  const members = await ctx.membersByRoom.load(room.id);
  await recordAccessAlone(ctx.db, {
    actor: user,
    room,
    action: 'READ',
    what: 'members',
    outcome: 'SUCCESS',
    emergencyAccessId,
  });
  return members;
}
