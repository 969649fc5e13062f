import { parseInput, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { listRooms, listRoomsArgs, roomReaders } from '../services/room-service';
import { requireAnyOf } from '../../../lib/access/guard';

export const Query = {
  rooms: (_: unknown, args: unknown, ctx: RoomsContext) => {
    requireAnyOf(ctx.principal, roomReaders);
    return listRooms(ctx.db, parseInput(listRoomsArgs, args));
  },
  room: (_: unknown, args: { id: string }, ctx: RoomsContext) => {
    requireAnyOf(ctx.principal, roomReaders);
    return ctx.roomById.load(parseInput(uuid, args.id, 'id'));
  },
};
