// Who may do what with one room (Art. 9, 20, 23-4; docs/access-rules.md "Who may do
// what"). Pure: the caller's role and id, the room's status and opener, and
// whether the caller is a current member decide everything.
//
// - Content (timeline, posts, meetings, reads) is for current members only,
//   whatever the role: the opener or the system admin is not a member of a
//   room's content unless invited.
// - Managing (members, closing) is for the room's opener, while it still
//   holds `room.decide`, and for the system admin on every room.
// - A SUSPENDED or CLOSED room is read-only: no posts, edits, meetings or
//   new members. Members may still read and mark posts as read (that records
//   reading, it adds no content). A manager may still remove a member from a
//   SUSPENDED room (it narrows access) and close it; a CLOSED room is final.
// - A refusal because of the room's state, for a caller who would otherwise
//   be allowed, is ILLEGAL_TRANSITION; a refusal of the caller is FORBIDDEN.
import { can } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';

export type RoomStatus = 'OPEN' | 'SUSPENDED' | 'CLOSED';

export interface RoomFacts {
  status: RoomStatus;
  openedBy: string | null;
}

export type Caller = Pick<UserPrincipal, 'userId' | 'role' | 'facilityId'>;

export interface RoomAccess {
  /** A current, invited member of the room. */
  member: boolean;
  /** The opener (still a deciding manager) or the system admin. */
  manager: boolean;
  /** May see that the room exists: title, status, dates, subject. */
  seeRoom: boolean;
  readContent: boolean;
  writeContent: boolean;
  listMembers: boolean;
  addMembers: boolean;
  removeMembers: boolean;
  close: boolean;
}

export function roomAccess(caller: Caller, room: RoomFacts, membership: { isMember: boolean }): RoomAccess {
  const member = can(caller, 'room.content', { isMember: membership.isMember });
  const opener = room.openedBy !== null && room.openedBy === caller.userId && can(caller, 'room.decide');
  const manager = opener || caller.role === 'SYSTEM_ADMIN';
  const open = room.status === 'OPEN';
  return {
    member,
    manager,
    seeRoom: member || manager,
    readContent: member,
    writeContent: member && open,
    listMembers: member || manager,
    addMembers: manager && open,
    removeMembers: manager && room.status !== 'CLOSED',
    close: manager && room.status !== 'CLOSED',
  };
}

export type RoomAction =
  | 'room.see'
  | 'content.read'
  | 'content.write'
  | 'post.markRead'
  | 'members.list'
  | 'members.add'
  | 'members.remove'
  | 'room.close';

export type Verdict = { allowed: true } | { allowed: false; code: 'FORBIDDEN' | 'ILLEGAL_TRANSITION'; message: string };

const allowed: Verdict = { allowed: true };

function forbidden(message: string): Verdict {
  return { allowed: false, code: 'FORBIDDEN', message };
}

function readOnly(room: RoomFacts): Verdict {
  return {
    allowed: false,
    code: 'ILLEGAL_TRANSITION',
    message: `the room is ${room.status.toLowerCase()}: it is read-only`,
  };
}

/** The decision for one action, with the reason a refusal is reported with. */
export function decideRoomAction(access: RoomAccess, room: RoomFacts, action: RoomAction): Verdict {
  switch (action) {
    case 'room.see':
      return access.seeRoom ? allowed : forbidden("only the room's members and managers may see it");
    case 'content.read':
    case 'post.markRead':
      return access.readContent ? allowed : forbidden("room content is for the room's members only");
    case 'content.write':
      if (!access.member) return forbidden("room content is for the room's members only");
      return access.writeContent ? allowed : readOnly(room);
    case 'members.list':
      return access.listMembers ? allowed : forbidden("only the room's members and managers may list its members");
    case 'members.add':
      if (!access.manager) return forbidden("only the room's manager may change its members");
      return access.addMembers ? allowed : readOnly(room);
    case 'members.remove':
      if (!access.manager) return forbidden("only the room's manager may change its members");
      return access.removeMembers ? allowed : readOnly(room);
    case 'room.close':
      if (!access.manager) return forbidden("only the room's manager may close it");
      return access.close
        ? allowed
        : { allowed: false, code: 'ILLEGAL_TRANSITION', message: 'the room is already closed' };
  }
}

/** Only a post's author edits it, and only while still allowed to write in the room. */
export function decidePostEdit(
  caller: Caller,
  post: { authorId: string },
  access: RoomAccess,
  room: RoomFacts,
): Verdict {
  const write = decideRoomAction(access, room, 'content.write');
  if (!write.allowed && write.code === 'FORBIDDEN') return write;
  if (post.authorId !== caller.userId) return forbidden('only the author may edit a post');
  return write;
}

/** Art. 23-4: the system admin removes content that breaks the rules, in any room and any state; membership is not needed. */
export function decidePostRemoval(caller: Caller): Verdict {
  return can(caller, 'content.remove')
    ? allowed
    : forbidden('only the system administrator removes content (Art. 23-4)');
}

export const closeReasons = ['DEATH', 'MOVED', 'NO_LONGER_NEEDED', 'OTHER'] as const;
export type CloseReason = (typeof closeReasons)[number];

/**
 * The room table has one column for the closure: the reason code on the
 * first line, the optional note after it.
 */
export function encodeClosure(reason: CloseReason, note: string | null | undefined): string {
  return note ? `${reason}\n${note}` : reason;
}

export function decodeClosure(stored: string | null): { reason: CloseReason; note: string | null } | null {
  if (!stored) return null;
  const newline = stored.indexOf('\n');
  const code = newline < 0 ? stored : stored.slice(0, newline);
  const reason = (closeReasons as readonly string[]).includes(code) ? (code as CloseReason) : 'OTHER';
  return { reason, note: newline < 0 ? null : stored.slice(newline + 1) };
}
