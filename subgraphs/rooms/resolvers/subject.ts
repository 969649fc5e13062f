import type { RoomsContext } from '../context';
import { accessOf } from '../services/room-guard';

export const Subject = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  /** The active room, only to those who may see it (its members and managers); null otherwise. */
  activeRoom: async (subject: { id: string }, _: unknown, ctx: RoomsContext) => {
    const room = await ctx.activeRoomBySubject.load(subject.id);
    if (!room) return null;
    const { access } = await accessOf(ctx, room);
    return access.seeRoom ? room : null;
  },
};
