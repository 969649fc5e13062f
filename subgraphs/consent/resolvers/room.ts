import type { ConsentContext } from '../context';
import { currentStatus } from '../domain/consent-rules';
import { consentRecorders } from '../services/consent-service';
import { read } from './access';

// The gateway supplies subject { id } (@requires); consent never reads rooms' tables.
interface RoomReference {
  id: string;
  subject: { id: string };
}

export const Room = {
  __resolveReference: (ref: RoomReference) => ref,
  consentStatus: (room: RoomReference, _: unknown, ctx: ConsentContext) =>
    read(ctx, consentRecorders, { what: 'consentStatus', subjectId: room.subject.id, roomId: room.id }, async () =>
      currentStatus((await ctx.historyBySubject.load(room.subject.id))[0]),
    ),
};
