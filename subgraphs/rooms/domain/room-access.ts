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
// - Break-glass (emergency/): during an emergency access the system admin
//   declared for the room's subject, a named grantee who is not a member
//   reads the room (its facts, timeline, meetings, members), never writes
//   and never marks posts read. Such reads carry the emergency access's id
//   (`emergencyAccessId`), so they are flagged in the access records. A
//   grantee who is a member reads as a member, unflagged.
import { can } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import type { Message } from '../../../lib/messages/message';

export type RoomStatus = 'OPEN' | 'SUSPENDED' | 'CLOSED';

export interface RoomFacts {
  status: RoomStatus;
  openedBy: string | null;
}

export type Caller = Pick<UserPrincipal, 'userId' | 'role' | 'facilityId'>;

export interface RoomAccess {
  /** A current, invited member of the room. */
  member: boolean;
  /** Set when the caller reads only through an active emergency access (break-glass): the access's id. */
  emergencyAccessId: string | null;
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

/**
 * `emergency.accessId`: the caller's emergency access in force for the room's
 * subject at the time of the request (null when none); it counts only for a
 * caller who is not a member.
 */
export function roomAccess(
  caller: Caller,
  room: RoomFacts,
  membership: { isMember: boolean },
  emergency: { accessId: string | null } = { accessId: null },
): RoomAccess {
  const member = can(caller, 'room.content', { isMember: membership.isMember });
  const emergencyAccessId = member ? null : emergency.accessId;
  const reader = member || emergencyAccessId !== null;
  const opener = room.openedBy !== null && room.openedBy === caller.userId && can(caller, 'room.decide');
  const manager = opener || caller.role === 'SYSTEM_ADMIN';
  const open = room.status === 'OPEN';
  return {
    member,
    emergencyAccessId,
    manager,
    seeRoom: reader || manager,
    readContent: reader,
    writeContent: member && open,
    listMembers: reader || manager,
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

export type Verdict =
  | { allowed: true }
  | { allowed: false; code: 'FORBIDDEN' | 'ILLEGAL_TRANSITION'; message: Message };

const allowed: Verdict = { allowed: true };

function forbidden(message: Message): Verdict {
  return { allowed: false, code: 'FORBIDDEN', message };
}

/** A room's status as a caller reads it. */
export const roomStatusNames: Record<RoomStatus, Message> = {
  OPEN: { en: 'open', ja: '開設中' },
  SUSPENDED: { en: 'suspended', ja: '一時停止中' },
  CLOSED: { en: 'closed', ja: '閉鎖済み' },
};

function readOnly(room: RoomFacts): Verdict {
  const status = roomStatusNames[room.status];
  return {
    allowed: false,
    code: 'ILLEGAL_TRANSITION',
    message: {
      en: `The room is ${status.en}, so it is read-only.`,
      ja: `この部屋は${status.ja}のため、読み取り専用です。`,
    },
  };
}

const membersOnly: Message = {
  en: "Room content is for the room's members only. Members are added with Form 9 (room member change).",
  ja: '部屋の内容はその部屋のメンバーだけが利用できます。メンバーの追加は様式9（部屋利用者登録変更申請）で行います。',
};
const emergencyReadsOnly: Message = {
  en: 'An emergency access reads the room only: it does not post, edit, schedule or mark posts read.',
  ja: '緊急アクセスでは部屋の閲覧だけができます。投稿・編集・会議の登録・既読の記録はできません。',
};
const managerChangesMembers: Message = {
  en: "Only the room's manager may change its members. Members ask for a change with Form 9.",
  ja: '部屋のメンバーを変更できるのは部屋の管理者だけです。メンバーは様式9で変更を申請してください。',
};

/** The decision for one action, with the reason a refusal is reported with. */
export function decideRoomAction(access: RoomAccess, room: RoomFacts, action: RoomAction): Verdict {
  switch (action) {
    case 'room.see':
      return access.seeRoom
        ? allowed
        : forbidden({
            en: "Only the room's members and managers may see it.",
            ja: 'この部屋を見られるのは部屋のメンバーと管理者だけです。',
          });
    case 'content.read':
      return access.readContent ? allowed : forbidden(membersOnly);
    case 'post.markRead':
      // A read receipt shows the reader to the members: for members only, not for an emergency reader.
      if (access.member) return allowed;
      return forbidden(access.emergencyAccessId ? emergencyReadsOnly : membersOnly);
    case 'content.write':
      if (!access.member) return forbidden(access.emergencyAccessId ? emergencyReadsOnly : membersOnly);
      return access.writeContent ? allowed : readOnly(room);
    case 'members.list':
      return access.listMembers
        ? allowed
        : forbidden({
            en: "Only the room's members and managers may list its members.",
            ja: '部屋のメンバー一覧を見られるのは部屋のメンバーと管理者だけです。',
          });
    case 'members.add':
      if (!access.manager) return forbidden(managerChangesMembers);
      return access.addMembers ? allowed : readOnly(room);
    case 'members.remove':
      if (!access.manager) return forbidden(managerChangesMembers);
      return access.removeMembers ? allowed : readOnly(room);
    case 'room.close':
      if (!access.manager)
        return forbidden({
          en: "Only the room's manager may close it. Members ask for closure with Form 10.",
          ja: '部屋を閉鎖できるのは部屋の管理者だけです。メンバーは様式10で閉鎖を申請してください。',
        });
      return access.close
        ? allowed
        : {
            allowed: false,
            code: 'ILLEGAL_TRANSITION',
            message: { en: 'The room is already closed.', ja: 'この部屋はすでに閉鎖されています。' },
          };
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
  if (post.authorId !== caller.userId)
    return forbidden({ en: 'Only the author may edit a post.', ja: '投稿を編集できるのは投稿者だけです。' });
  return write;
}

/** Art. 23-4: the system admin removes content that breaks the rules, in any room and any state; membership is not needed. */
export function decidePostRemoval(caller: Caller): Verdict {
  return can(caller, 'content.remove')
    ? allowed
    : forbidden({
        en: 'Only the system administrator removes content (Art. 23-4). Report the post to the system administrator.',
        ja: '書き込みを削除できるのはシステム管理者だけです（第23条第4項）。システム管理者に報告してください。',
      });
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
