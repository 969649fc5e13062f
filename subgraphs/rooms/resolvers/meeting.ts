import type { Meeting as MeetingRow } from '../../../generated/prisma/client';
import { userRef } from './user-ref';

export const Meeting = {
  createdBy: (meeting: MeetingRow) => userRef(meeting.createdBy),
};
