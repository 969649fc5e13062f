import { userRef } from './user-ref';
import type { RoomMemberResolvers } from '../../../generated/graphql/rooms-resolvers';

export const RoomMember = {
  user: (member) => userRef(member.userId),
  addedBy: (member) => userRef(member.addedBy),
} satisfies RoomMemberResolvers;
