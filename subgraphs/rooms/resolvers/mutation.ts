import { parseInput } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { openRoom, openRoomInput } from '../services/room-service';

export const Mutation = {
  openRoom: (_: unknown, args: { input: unknown }, ctx: RoomsContext) => openRoom(ctx.db, parseInput(openRoomInput, args.input)),
};
