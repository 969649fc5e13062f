import { currentStatus } from '../domain/consent-rules';
import { consentRecorders } from '../services/consent-service';
import { read } from './access';
import type { RoomResolvers } from '../../../generated/graphql/consent-resolvers';

export const Room = {
  // The gateway supplies subject { id } (@requires): see parents.ts.
  __resolveReference: (ref) => ref,
  consentStatus: (room, _, ctx) =>
    read(ctx, consentRecorders, { what: 'consentStatus', subjectId: room.subject.id, roomId: room.id }, async () =>
      currentStatus((await ctx.historyBySubject.load(room.subject.id))[0]),
    ),
} satisfies RoomResolvers;
