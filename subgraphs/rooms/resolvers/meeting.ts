import { userRef } from './user-ref';
import type { MeetingResolvers } from '../../../generated/graphql/rooms-resolvers';

export const Meeting = {
  createdBy: (meeting) => userRef(meeting.createdBy),
} satisfies MeetingResolvers;
