// Rooms: opening, closing and listing. Opening and closing here are direct
// (interim): the Form 8 and Form 10 workflows (user, facility manager,
// deciding manager) and the consent check will wrap them. The subject is
// referenced by its federation key only: rooms cannot see identity's
// tables, so an unknown subject id is not detected here.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readPage } from '../../../lib/cursor';
import { appError, conflict } from '../../../lib/graphql-errors';
import { pageArgs, text, uuid } from '../../../lib/input';
import type { Prisma, Room } from '../../../generated/prisma/client';
import { isUniqueViolation } from '../../../lib/db-errors';
import { can } from '../../../lib/access/permissions';
import { requireSignedIn } from '../../../lib/access/guard';
import type { RoomsContext } from '../context';
import { closeReasons, encodeClosure } from '../domain/room-access';
import { recordAccess } from './access-records';
import { authorizeRoom, findRoom, refuse } from './room-guard';

export const openRoomInput = z.object({ subjectId: uuid, title: text(200) });
export const listRoomsArgs = pageArgs(100);
export const closeRoomInput = z
  .object({ roomId: uuid, reason: z.enum(closeReasons), note: text(1000).nullish() })
  .refine((input) => input.reason !== 'OTHER' || !!input.note, { message: 'must say why when the reason is OTHER', path: ['note'] });

export async function openRoom(ctx: RoomsContext, input: z.infer<typeof openRoomInput>): Promise<Room> {
  const user = requireSignedIn(ctx.principal);
  if (!can(user, 'room.decide')) {
    throw await refuse(ctx, user, { id: null, subjectId: input.subjectId }, 'room.open', {
      allowed: false,
      code: 'FORBIDDEN',
      message: 'not allowed: room.decide',
    });
  }
  try {
    return await ctx.db.$transaction(async (tx) => {
      const room = await tx.room.create({ data: { id: randomUUID(), subjectId: input.subjectId, title: input.title, openedBy: user.userId } });
      await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'room.open', outcome: 'SUCCESS' });
      return room;
    });
  } catch (error) {
    // The partial unique index room_one_active_per_subject enforces Art. 9
    // even when two requests race; this is where the race is reported.
    if (isUniqueViolation(error)) throw conflict('this subject already has a room that is not closed');
    throw error;
  }
}

export async function closeRoom(ctx: RoomsContext, input: z.infer<typeof closeRoomInput>): Promise<Room> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(ctx, room, 'room.close', 'room.close');
  const closed = await ctx.db.$transaction(async (tx) => {
    const now = new Date();
    // Conditional on the state read above, so two concurrent closings cannot both succeed.
    const changed = await tx.room.updateMany({
      where: { id: room.id, status: { not: 'CLOSED' } },
      data: { status: 'CLOSED', closedAt: now, closedReason: encodeClosure(input.reason, input.note) },
    });
    if (changed.count === 0) throw appError('ILLEGAL_TRANSITION', 'the room is already closed');
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'room.close', outcome: 'SUCCESS' });
    return tx.room.findUniqueOrThrow({ where: { id: room.id } });
  });
  ctx.roomById.clear(room.id).prime(room.id, closed);
  return closed;
}

/** The rooms the caller may see: all for the system admin, otherwise those it opened (still a manager) or is a member of. */
export function listRooms(ctx: RoomsContext, args: z.infer<typeof listRoomsArgs>) {
  const user = requireSignedIn(ctx.principal);
  const member: Prisma.RoomWhereInput = { members: { some: { userId: user.userId, removedAt: null } } };
  const visible: Prisma.RoomWhereInput =
    user.role === 'SYSTEM_ADMIN' ? {} : can(user, 'room.decide') ? { OR: [{ openedBy: user.userId }, member] } : member;
  return readPage(
    args,
    'openedAt',
    (where, take) => ctx.db.room.findMany({ where: { AND: [visible, where] }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }], take }),
    (row) => row.openedAt,
  );
}

export async function getRoom(ctx: RoomsContext, id: string): Promise<Room> {
  const room = await findRoom(ctx, id);
  await authorizeRoom(ctx, room, 'room.see', 'room');
  return room;
}
