import type { RoomMember as MemberRow } from '../../../generated/prisma/client';
import { userRef } from './user-ref';

export const RoomMember = {
  user: (member: MemberRow) => userRef(member.userId),
  addedBy: (member: MemberRow) => userRef(member.addedBy),
};
