import type { Room as RoomRow } from '../../../generated/prisma/client';
import type { RoomsContext } from '../context';

export const Room = {
  __resolveReference: (ref: { id: string }, ctx: RoomsContext) => ctx.roomById.load(ref.id),
  subject: (room: RoomRow) => ({ __typename: 'Subject', id: room.subjectId }),
};
