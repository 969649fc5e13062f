import { parseInput, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { listRooms, listRoomsArgs } from '../services/room-service';

export const Query = {
  rooms: (_: unknown, args: unknown, ctx: RoomsContext) => listRooms(ctx.db, parseInput(listRoomsArgs, args)),
  room: (_: unknown, args: { id: string }, ctx: RoomsContext) => ctx.roomById.load(parseInput(uuid, args.id)),
};
