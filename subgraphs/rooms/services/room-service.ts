// Rooms: listing and reading. Rooms are opened and closed only through
// Forms 8 and 10 (room-application-service.ts, paper-room-forms.ts).
import { type z } from 'zod';
import { readPage } from '../../../lib/cursor';
import { pageArgs } from '../../../lib/input';
import type { Prisma, Room } from '../../../generated/prisma/client';
import { can } from '../../../lib/access/permissions';
import { requireSignedIn } from '../../../lib/access/guard';
import type { RoomsContext } from '../context';
import { authorizeRoom, findRoom } from './room-guard';

export const listRoomsArgs = pageArgs(100);

/** The rooms the caller may see: all for the system admin, otherwise those it opened (still a manager) or is a member of. */
export function listRooms(ctx: RoomsContext, args: z.infer<typeof listRoomsArgs>) {
  const user = requireSignedIn(ctx.principal);
  const member: Prisma.RoomWhereInput = { members: { some: { userId: user.userId, removedAt: null } } };
  const visible: Prisma.RoomWhereInput =
    user.role === 'SYSTEM_ADMIN' ? {} : can(user, 'room.decide') ? { OR: [{ openedBy: user.userId }, member] } : member;
  return readPage(
    args,
    'openedAt',
    (where, take) =>
      ctx.db.room.findMany({ where: { AND: [visible, where] }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }], take }),
    (row) => row.openedAt,
  );
}

export async function getRoom(ctx: RoomsContext, id: string): Promise<Room> {
  const room = await findRoom(ctx, id);
  await authorizeRoom(ctx, room, 'room.see', 'room');
  return room;
}
