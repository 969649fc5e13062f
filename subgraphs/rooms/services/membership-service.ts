// Room members. Interim until the Form 9 workflow: the room's manager (its
// opener, or the system admin) adds and removes members directly. The user
// is referenced by identity's key only: rooms cannot see identity's tables,
// so an unknown user id is not detected here.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Room } from '../../../generated/prisma/client';
import { isUniqueViolation } from '../../../lib/db-errors';
import { conflict, notFound } from '../../../lib/graphql-errors';
import { uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { recordAccess, recordAccessAlone } from './access-records';
import { authorizeRoom, findRoom } from './room-guard';

export const memberInput = z.object({ roomId: uuid, userId: uuid });

export async function addRoomMember(ctx: RoomsContext, input: z.infer<typeof memberInput>): Promise<Room> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(ctx, room, 'members.add', 'member.add');
  try {
    await ctx.db.$transaction(async (tx) => {
      await tx.roomMember.create({ data: { id: randomUUID(), roomId: room.id, userId: input.userId, addedBy: user.userId } });
      await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'member.add', outcome: 'SUCCESS' });
    });
  } catch (error) {
    // room_member_active: one current membership per user and room, also under races.
    if (isUniqueViolation(error)) throw conflict('the user is already a member of this room');
    throw error;
  }
  ctx.membersByRoom.clear(room.id);
  ctx.callerIsMember.clear(room.id);
  return room;
}

export async function removeRoomMember(ctx: RoomsContext, input: z.infer<typeof memberInput>): Promise<Room> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(ctx, room, 'members.remove', 'member.remove');
  await ctx.db.$transaction(async (tx) => {
    const removed = await tx.roomMember.updateMany({
      where: { roomId: room.id, userId: input.userId, removedAt: null },
      data: { removedAt: new Date(), removedBy: user.userId },
    });
    if (removed.count === 0) throw notFound('the user is not a member of this room');
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'member.remove', outcome: 'SUCCESS' });
  });
  ctx.membersByRoom.clear(room.id);
  ctx.callerIsMember.clear(room.id);
  return room;
}

export async function listMembers(ctx: RoomsContext, room: Room) {
  const user = await authorizeRoom(ctx, room, 'members.list', 'members');
  const members = await ctx.membersByRoom.load(room.id);
  await recordAccessAlone(ctx.db, { actor: user, room, action: 'READ', what: 'members', outcome: 'SUCCESS' });
  return members;
}
