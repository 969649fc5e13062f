import { requireAnyOf } from '../../../lib/access/guard';
import { consentRecorders } from '../services/consent-service';
import type { ConsentContext } from '../context';

// The gateway supplies subject { id } (@requires); consent never reads rooms' tables.
interface RoomReference {
  id: string;
  subject: { id: string };
}

export const Room = {
  __resolveReference: (ref: RoomReference) => ref,
  consentStatus: (room: RoomReference, _: unknown, ctx: ConsentContext) => {
    requireAnyOf(ctx.principal, consentRecorders);
    return ctx.statusBySubject.load(room.subject.id);
  },
};
