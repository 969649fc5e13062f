import { randomUUID } from 'node:crypto';
import type { Role } from '../../../lib/access/principal';
import {
  decideRoomAction,
  decodeClosure,
  decidePostEdit,
  decidePostRemoval,
  encodeClosure,
  roomAccess,
  type Caller,
  type RoomAction,
  type RoomFacts,
  type RoomStatus,
} from './room-access';

const makeCaller = (role: Role, userId = randomUUID()): Caller => ({ role, userId, facilityId: randomUUID() });
const makeRoom = (overrides: Partial<RoomFacts> = {}): RoomFacts => ({
  status: 'OPEN',
  openedBy: randomUUID(),
  ...overrides,
});

function verdict(caller: Caller, room: RoomFacts, isMember: boolean, action: RoomAction) {
  const result = decideRoomAction(roomAccess(caller, room, { isMember }), room, action);
  return result.allowed ? 'allowed' : result.code;
}

describe('room access', () => {
  const roles: Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'];

  it.each(roles)('a member %s reads and writes content of an open room', (role) => {
    const room = makeRoom();
    expect(verdict(makeCaller(role), room, true, 'content.read')).toBe('allowed');
    expect(verdict(makeCaller(role), room, true, 'content.write')).toBe('allowed');
  });

  it.each(roles)('a %s who is not a member has no content, even the system admin', (role) => {
    const room = makeRoom();
    for (const action of ['content.read', 'content.write', 'post.markRead'] as const) {
      expect(verdict(makeCaller(role), room, false, action)).toBe('FORBIDDEN');
    }
  });

  it('the opener manages the room (members, close) but sees no content unless invited', () => {
    const opener = makeCaller('HOSPITAL_MANAGER');
    const room = makeRoom({ openedBy: opener.userId });
    for (const action of ['room.see', 'members.list', 'members.add', 'members.remove', 'room.close'] as const) {
      expect(verdict(opener, room, false, action)).toBe('allowed');
    }
    expect(verdict(opener, room, false, 'content.read')).toBe('FORBIDDEN');
    expect(verdict(opener, room, true, 'content.read')).toBe('allowed');
  });

  it('the system admin manages every room', () => {
    const room = makeRoom();
    expect(verdict(makeCaller('SYSTEM_ADMIN'), room, false, 'members.add')).toBe('allowed');
    expect(verdict(makeCaller('SYSTEM_ADMIN'), room, false, 'room.close')).toBe('allowed');
  });

  it('another manager, or an opener that lost the deciding role, does not manage the room', () => {
    const room = makeRoom();
    expect(verdict(makeCaller('ADMIN_MANAGER'), room, false, 'members.add')).toBe('FORBIDDEN');
    expect(verdict(makeCaller('ADMIN_MANAGER'), room, false, 'room.see')).toBe('FORBIDDEN');
    const formerManager = makeCaller('USER');
    expect(verdict(formerManager, makeRoom({ openedBy: formerManager.userId }), false, 'room.close')).toBe('FORBIDDEN');
  });

  it('a member who is not a manager cannot change members but may list them', () => {
    const room = makeRoom();
    expect(verdict(makeCaller('USER'), room, true, 'members.list')).toBe('allowed');
    expect(verdict(makeCaller('USER'), room, true, 'members.add')).toBe('FORBIDDEN');
    expect(verdict(makeCaller('USER'), room, true, 'room.close')).toBe('FORBIDDEN');
  });

  it.each(['SUSPENDED', 'CLOSED'] as RoomStatus[])('a %s room is read-only', (status) => {
    const room = makeRoom({ status });
    const member = makeCaller('USER');
    expect(verdict(member, room, true, 'content.read')).toBe('allowed');
    expect(verdict(member, room, true, 'post.markRead')).toBe('allowed');
    expect(verdict(member, room, true, 'content.write')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(member, room, false, 'content.write')).toBe('FORBIDDEN');
    expect(verdict(makeCaller('SYSTEM_ADMIN'), room, false, 'members.add')).toBe('ILLEGAL_TRANSITION');
  });

  it('a suspended room can still lose members and be closed; a closed room cannot', () => {
    const admin = makeCaller('SYSTEM_ADMIN');
    expect(verdict(admin, makeRoom({ status: 'SUSPENDED' }), false, 'members.remove')).toBe('allowed');
    expect(verdict(admin, makeRoom({ status: 'SUSPENDED' }), false, 'room.close')).toBe('allowed');
    expect(verdict(admin, makeRoom({ status: 'CLOSED' }), false, 'members.remove')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(admin, makeRoom({ status: 'CLOSED' }), false, 'room.close')).toBe('ILLEGAL_TRANSITION');
  });
});

describe('room access under an emergency access (break-glass)', () => {
  const accessId = randomUUID();
  const emergencyVerdict = (caller: Caller, room: RoomFacts, isMember: boolean, action: RoomAction) => {
    const access = roomAccess(caller, room, { isMember }, { accessId });
    const result = decideRoomAction(access, room, action);
    return result.allowed ? 'allowed' : result.code;
  };

  it.each(['OPEN', 'SUSPENDED', 'CLOSED'] as RoomStatus[])(
    'a grantee who is not a member sees and reads a %s room, flagged with the access id',
    (status) => {
      const room = makeRoom({ status });
      const grantee = makeCaller('USER');
      expect(roomAccess(grantee, room, { isMember: false }, { accessId }).emergencyAccessId).toBe(accessId);
      for (const action of ['room.see', 'content.read', 'members.list'] as const)
        expect(emergencyVerdict(grantee, room, false, action)).toBe('allowed');
    },
  );

  it('a grantee never writes, marks posts read or manages the room', () => {
    const room = makeRoom();
    const grantee = makeCaller('HOSPITAL_MANAGER');
    for (const action of ['content.write', 'post.markRead', 'members.add', 'members.remove', 'room.close'] as const)
      expect(emergencyVerdict(grantee, room, false, action)).toBe('FORBIDDEN');
    const write = decideRoomAction(roomAccess(grantee, room, { isMember: false }, { accessId }), room, 'content.write');
    expect(write.allowed ? null : write.message.en).toMatch(/emergency access reads the room only/);
  });

  it('a grantee who is a member reads as a member, unflagged, and still writes', () => {
    const room = makeRoom();
    const member = makeCaller('USER');
    expect(roomAccess(member, room, { isMember: true }, { accessId }).emergencyAccessId).toBeNull();
    expect(emergencyVerdict(member, room, true, 'content.write')).toBe('allowed');
    expect(emergencyVerdict(member, room, true, 'post.markRead')).toBe('allowed');
  });

  it('without an access in force nothing changes: a non-member is refused', () => {
    const room = makeRoom();
    const access = roomAccess(makeCaller('USER'), room, { isMember: false }, { accessId: null });
    expect(access.emergencyAccessId).toBeNull();
    expect(decideRoomAction(access, room, 'content.read').allowed).toBe(false);
    expect(decideRoomAction(access, room, 'room.see').allowed).toBe(false);
  });
});

describe('post edits and removal', () => {
  const author = makeCaller('USER');
  const post = { authorId: author.userId };
  const edit = (caller: Caller, room: RoomFacts, isMember: boolean) => {
    const result = decidePostEdit(caller, post, roomAccess(caller, room, { isMember }), room);
    return result.allowed ? 'allowed' : result.code;
  };

  it('only the author edits, while a member of an open room', () => {
    expect(edit(author, makeRoom(), true)).toBe('allowed');
    expect(edit(makeCaller('USER'), makeRoom(), true)).toBe('FORBIDDEN');
    expect(edit(author, makeRoom(), false)).toBe('FORBIDDEN');
    expect(edit(author, makeRoom({ status: 'CLOSED' }), true)).toBe('ILLEGAL_TRANSITION');
    expect(edit(makeCaller('USER'), makeRoom({ status: 'CLOSED' }), true)).toBe('FORBIDDEN');
  });

  it('only the system admin removes posts (Art. 23-4)', () => {
    expect(decidePostRemoval(makeCaller('SYSTEM_ADMIN')).allowed).toBe(true);
    for (const role of ['ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'] as Role[]) {
      expect(decidePostRemoval(makeCaller(role)).allowed).toBe(false);
    }
  });
});

describe('closure reason', () => {
  it('round-trips the reason and the note', () => {
    expect(decodeClosure(encodeClosure('DEATH', null))).toEqual({ reason: 'DEATH', note: null });
    expect(decodeClosure(encodeClosure('OTHER', 'moved to\na facility'))).toEqual({
      reason: 'OTHER',
      note: 'moved to\na facility',
    });
    expect(decodeClosure(null)).toBeNull();
  });
});
