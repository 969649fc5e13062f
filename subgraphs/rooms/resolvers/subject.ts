import { accessOf } from '../services/room-guard';
import type { SubjectResolvers } from '../../../generated/graphql/rooms-resolvers';

export const Subject = {
  __resolveReference: (ref) => ({ id: ref.id }),
  /** The active room, only to those who may see it (its members and managers); null otherwise. */
  activeRoom: async (subject, _, ctx) => {
    const room = await ctx.activeRoomBySubject.load(subject.id);
    if (!room) return null;
    const { access } = await accessOf(ctx, room);
    return access.seeRoom ? room : null;
  },
} satisfies SubjectResolvers;
