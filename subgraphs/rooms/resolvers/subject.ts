import type { RoomsContext } from '../context';

export const Subject = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  activeRoom: (subject: { id: string }, _: unknown, ctx: RoomsContext) => ctx.activeRoomBySubject.load(subject.id),
};
