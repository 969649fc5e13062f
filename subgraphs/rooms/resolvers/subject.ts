import { requireAnyOf } from '../../../lib/access/guard';
import { roomReaders } from '../services/room-service';
import type { RoomsContext } from '../context';

export const Subject = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  activeRoom: (subject: { id: string }, _: unknown, ctx: RoomsContext) => {
    requireAnyOf(ctx.principal, roomReaders);
    return ctx.activeRoomBySubject.load(subject.id);
  },
};
