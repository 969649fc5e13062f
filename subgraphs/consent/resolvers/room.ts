import type { ConsentContext } from '../context';

// The gateway supplies subject { id } (@requires); consent never reads rooms' tables.
interface RoomReference {
  id: string;
  subject: { id: string };
}

export const Room = {
  __resolveReference: (ref: RoomReference) => ref,
  consentStatus: (room: RoomReference, _: unknown, ctx: ConsentContext) => ctx.statusBySubject.load(room.subject.id),
};
