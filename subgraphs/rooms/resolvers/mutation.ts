import { parseInput } from '../../../lib/input';
import { requireAnyOf } from '../../../lib/access/guard';
import type { RoomsContext } from '../context';
import { openRoom, openRoomInput } from '../services/room-service';

export const Mutation = {
  openRoom: (_: unknown, args: { input: unknown }, ctx: RoomsContext) => {
    requireAnyOf(ctx.principal, ['room.decide']);
    return openRoom(ctx.db, parseInput(openRoomInput, args.input));
  },
};
