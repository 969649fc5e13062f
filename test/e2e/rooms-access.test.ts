// Rooms' membership, content and access-record rules through the real
// gateway (certificates off). Every refusal carries its code, changes
// nothing and, when it refuses the caller, leaves a DENIED access record.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  openRoom: `mutation($s: ID!, $t: String!) { openRoom(input: { subjectId: $s, title: $t }) { id status openedBy { id } } }`,
  addMember: `mutation($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u) { id } }`,
  removeMember: `mutation($r: ID!, $u: ID!) { removeRoomMember(roomId: $r, userId: $u) { id } }`,
  closeRoom: `mutation($r: ID!, $reason: RoomClosedReason!, $note: String) { closeRoom(roomId: $r, reason: $reason, note: $note) { status closedAt closedReason closureNote } }`,
  room: `query($r: ID!) { room(id: $r) { id title status } }`,
  rooms: `{ rooms(first: 100) { items { id } } }`,
  timeline: `query($r: ID!, $first: Int, $after: String) { room(id: $r) { timeline(first: $first, after: $after) { items { id body category author { id accountId } readBy { id } revisions { body category replacedBy { id } } } nextCursor } } }`,
  members: `query($r: ID!) { room(id: $r) { members { user { id } addedBy { id } } } }`,
  meetings: `query($r: ID!) { room(id: $r) { meetings { id agenda minutes createdBy { id } } } }`,
  createPost: `mutation($r: ID!, $c: PostCategory!, $b: String!) { createPost(roomId: $r, category: $c, body: $b) { id body category author { id } } }`,
  editPost: `mutation($p: ID!, $b: String!, $c: PostCategory) { editPost(postId: $p, body: $b, category: $c) { id body category revisions { body category } } }`,
  markRead: `mutation($p: ID!) { markPostRead(postId: $p) { id readBy { id } } }`,
  removePost: `mutation($p: ID!, $reason: String!) { removePost(postId: $p, reason: $reason) { postId removedAt reason } }`,
  schedule: `mutation($r: ID!, $at: DateTime!, $a: String!) { scheduleMeeting(roomId: $r, scheduledAt: $at, agenda: $a) { id agenda scheduledAt } }`,
  minutes: `mutation($m: ID!, $text: String!) { recordMinutes(meetingId: $m, minutes: $text) { id minutes } }`,
};

describe('rooms access rules through the gateway', () => {
  let t: TestSystem;
  let sa: Actor;
  /** Opens the rooms below and so manages them; not invited to their content. */
  let opener: Actor;
  let otherManager: Actor;
  let member: Actor;
  let member2: Actor;
  let outsider: Actor;

  const as =
    (actor: Actor) =>
    (query: string, variables: Record<string, unknown> = {}) =>
      graphql(t.graphqlUrl, query, variables, actor.headers);
  const records = (where: Record<string, unknown>) =>
    t.db.prisma.roomsAccessRecord.findMany({ where, orderBy: { seq: 'asc' } });
  const rowCounts = async () => {
    const p = t.db.prisma;
    return [
      await p.room.count(),
      await p.roomMember.count(),
      await p.post.count(),
      await p.postRevision.count(),
      await p.postRead.count(),
      await p.meeting.count(),
    ];
  };

  async function openRoomWithMembers(...members: Actor[]) {
    const subjectId = await subjectWithConsent(t, opener);
    const opened = await as(opener)(d.openRoom, { s: subjectId, t: '太郎さんの部屋' });
    expect(opened.errors).toBeUndefined();
    const roomId = opened.data?.openRoom.id as string;
    for (const m of members) expect((await as(opener)(d.addMember, { r: roomId, u: m.userId })).errors).toBeUndefined();
    return { roomId, subjectId };
  }

  async function post(actor: Actor, roomId: string, body = '訪問しました', category = 'MEDICAL') {
    const created = await as(actor)(d.createPost, { r: roomId, c: category, b: body });
    expect(created.errors).toBeUndefined();
    return created.data?.createPost.id as string;
  }

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    opener = await actorWithRole(t, 'HOSPITAL_MANAGER');
    otherManager = await actorWithRole(t, 'ADMIN_MANAGER');
    member = await actorWithRole(t, 'USER');
    member2 = await actorWithRole(t, 'FACILITY_MANAGER');
    outsider = await actorWithRole(t, 'USER');
  });
  afterAll(() => t.stop());

  it('records the opener, who manages the room but sees no content unless invited', async () => {
    const { roomId, subjectId } = await openRoomWithMembers(member);
    const room = await t.db.prisma.room.findUniqueOrThrow({ where: { id: roomId } });
    expect(room.openedBy).toBe(opener.userId);
    expect((await records({ roomId, what: 'room.open' }))[0]).toMatchObject({
      actorId: opener.userId,
      actorRole: 'HOSPITAL_MANAGER',
      subjectId,
      action: 'WRITE',
      outcome: 'SUCCESS',
    });

    expect((await as(opener)(d.room, { r: roomId })).data?.room).toMatchObject({ id: roomId, status: 'OPEN' });
    const members = await as(opener)(d.members, { r: roomId });
    expect(members.data?.room.members).toEqual([{ user: { id: member.userId }, addedBy: { id: opener.userId } }]);

    for (const query of [d.timeline, d.meetings]) {
      const refused = await as(opener)(query, { r: roomId });
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    }
    const denied = await records({ roomId, action: 'DENIED', actorId: opener.userId });
    expect(denied.map((r) => r.what)).toEqual(['timeline', 'meetings']);
    expect(denied[0]).toMatchObject({ subjectId, actorRole: 'HOSPITAL_MANAGER', outcome: 'FORBIDDEN' });

    // Invited, the opener is a member like any other.
    await as(opener)(d.addMember, { r: roomId, u: opener.userId });
    expect((await as(opener)(d.timeline, { r: roomId })).errors).toBeUndefined();
  });

  it('refuses non-members and other managers, records the refusal and changes nothing', async () => {
    const { roomId, subjectId } = await openRoomWithMembers(member);
    const postId = await post(member, roomId);
    const before = await rowCounts();
    const attempts: Array<[Actor, string, Record<string, unknown>]> = [
      [outsider, d.room, { r: roomId }],
      [outsider, d.timeline, { r: roomId }],
      [outsider, d.members, { r: roomId }],
      [outsider, d.createPost, { r: roomId, c: 'MEDICAL', b: 'x' }],
      [outsider, d.markRead, { p: postId }],
      [outsider, d.editPost, { p: postId, b: 'changed' }],
      [outsider, d.schedule, { r: roomId, at: '2026-12-01T10:00:00+09:00', a: 'x' }],
      [otherManager, d.addMember, { r: roomId, u: otherManager.userId }],
      [otherManager, d.closeRoom, { r: roomId, reason: 'MOVED' }],
      [otherManager, d.timeline, { r: roomId }],
      [member, d.addMember, { r: roomId, u: outsider.userId }],
      [member, d.removePost, { p: postId, reason: 'x' }],
      [sa, d.timeline, { r: roomId }],
    ];
    for (const [actor, query, variables] of attempts) {
      const response = await as(actor)(query, variables);
      expect([JSON.stringify(variables), errorCodes(response)]).toEqual([JSON.stringify(variables), ['FORBIDDEN']]);
    }
    expect(await rowCounts()).toEqual(before);
    const denied = await records({ roomId, action: 'DENIED' });
    expect(denied).toHaveLength(attempts.length);
    expect(denied.every((r) => r.subjectId === subjectId && r.outcome === 'FORBIDDEN')).toBe(true);
    // An outsider is refused at the room itself; the system admin sees the room but not its timeline.
    expect(denied.filter((r) => r.actorId === outsider.userId).map((r) => r.what)).toEqual([
      'room',
      'room',
      'room',
      'post',
      'post.read',
      'post.edit',
      'meeting',
    ]);
    expect(denied.filter((r) => r.actorId === sa.userId).map((r) => r.what)).toEqual(['timeline']);

    const refusedOpen = await as(member)(d.openRoom, { s: randomUUID(), t: 'x' });
    expect(errorCodes(refusedOpen)).toEqual(['FORBIDDEN']);
    expect(await records({ actorId: member.userId, what: 'room.open', action: 'DENIED' })).toHaveLength(1);
  });

  it('lists only the rooms the caller may see', async () => {
    const { roomId } = await openRoomWithMembers(member2);
    const ids = async (actor: Actor) =>
      ((await as(actor)(d.rooms)).data!.rooms.items as Array<{ id: string }>).map((r) => r.id);
    expect(await ids(member2)).toContain(roomId);
    expect(await ids(opener)).toContain(roomId);
    expect(await ids(sa)).toContain(roomId);
    expect(await ids(otherManager)).not.toContain(roomId);
    expect(await ids(outsider)).not.toContain(roomId);
  });

  it('lets members post, the author edit (keeping revisions), and anyone in the room mark posts read', async () => {
    const { roomId, subjectId } = await openRoomWithMembers(member, member2);
    const created = await as(member)(d.createPost, { r: roomId, c: 'MEDICAL', b: '  血圧 130/80  ' });
    expect(created.data?.createPost).toMatchObject({
      body: '血圧 130/80',
      category: 'MEDICAL',
      author: { id: member.userId },
    });
    const postId = created.data?.createPost.id as string;

    const notAuthor = await as(member2)(d.editPost, { p: postId, b: 'changed' });
    expect(errorCodes(notAuthor)).toEqual(['FORBIDDEN']);
    const edited = await as(member)(d.editPost, { p: postId, b: '血圧 128/78', c: 'PHYSICAL_LIVING_FUNCTION' });
    expect(edited.data?.editPost).toMatchObject({
      body: '血圧 128/78',
      category: 'PHYSICAL_LIVING_FUNCTION',
      revisions: [{ body: '血圧 130/80', category: 'MEDICAL' }],
    });
    expect(errorCodes(await as(member)(d.editPost, { p: postId, b: '血圧 128/78' }))).toEqual(['CONFLICT']);

    for (let i = 0; i < 2; i += 1) {
      const read = await as(member2)(d.markRead, { p: postId });
      expect(read.data?.markPostRead.readBy).toEqual([{ id: member2.userId }]);
    }
    expect(await t.db.prisma.postRead.count({ where: { postId } })).toBe(1);

    const timeline = await as(member)(d.timeline, { r: roomId });
    expect(timeline.data?.room.timeline.items).toEqual([
      {
        id: postId,
        body: '血圧 128/78',
        category: 'PHYSICAL_LIVING_FUNCTION',
        author: { id: member.userId, accountId: member.accountId },
        readBy: [{ id: member2.userId }],
        revisions: [{ body: '血圧 130/80', category: 'MEDICAL', replacedBy: { id: member.userId } }],
      },
    ]);

    // Without the paper forms' own steps (what: room-application), which the room-application tests cover.
    const trail = await records({ roomId, action: { not: 'DENIED' }, what: { not: 'room-application' } });
    expect(trail.map((r) => [r.actorId, r.action, r.what])).toEqual([
      [opener.userId, 'WRITE', 'room.open'],
      [opener.userId, 'WRITE', 'member.change'],
      [opener.userId, 'WRITE', 'member.change'],
      [member.userId, 'WRITE', 'post'],
      [member.userId, 'WRITE', 'post.edit'],
      [member2.userId, 'READ', 'post.read'],
      [member2.userId, 'READ', 'post.read'],
      [member.userId, 'READ', 'timeline'],
    ]);
    expect(trail.every((r) => r.subjectId === subjectId)).toBe(true);
  });

  it('pages the timeline newest first with keyset cursors', async () => {
    const { roomId } = await openRoomWithMembers(member);
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push(await post(member, roomId, `post ${i}`));
    const first = await as(member)(d.timeline, { r: roomId, first: 2 });
    expect(first.data?.room.timeline.items.map((p: { body: string }) => p.body)).toEqual(['post 4', 'post 3']);
    const rest = await as(member)(d.timeline, { r: roomId, first: 100, after: first.data?.room.timeline.nextCursor });
    expect(rest.data?.room.timeline.items.map((p: { body: string }) => p.body)).toEqual(['post 2', 'post 1', 'post 0']);
    expect(rest.data?.room.timeline.nextCursor).toBeNull();
    expect(errorCodes(await as(member)(d.timeline, { r: roomId, first: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as(member)(d.timeline, { r: roomId, after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('schedules meetings and records minutes for members', async () => {
    const { roomId } = await openRoomWithMembers(member);
    const scheduled = await as(member)(d.schedule, {
      r: roomId,
      at: '2026-12-01T10:00:00+09:00',
      a: '退院前カンファレンス',
    });
    expect(scheduled.data?.scheduleMeeting).toMatchObject({
      agenda: '退院前カンファレンス',
      scheduledAt: '2026-12-01T01:00:00.000Z',
    });
    const meetingId = scheduled.data?.scheduleMeeting.id as string;
    expect((await as(member)(d.minutes, { m: meetingId, text: '訪問看護を週2回' })).data?.recordMinutes.minutes).toBe(
      '訪問看護を週2回',
    );
    expect((await as(member)(d.meetings, { r: roomId })).data?.room.meetings).toEqual([
      { id: meetingId, agenda: '退院前カンファレンス', minutes: '訪問看護を週2回', createdBy: { id: member.userId } },
    ]);
    expect(errorCodes(await as(outsider)(d.minutes, { m: meetingId, text: 'x' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(member)(d.schedule, { r: roomId, at: 'tomorrow', a: 'x' }))).toEqual(['BAD_USER_INPUT']);
    expect((await records({ roomId, action: 'WRITE', what: { not: 'room-application' } })).map((r) => r.what)).toEqual([
      'room.open',
      'member.change',
      'meeting',
      'meeting.minutes',
    ]);
  });

  it('lets only the system admin remove a post (Art. 23-4): hidden from members, kept with the reason', async () => {
    const { roomId } = await openRoomWithMembers(member);
    const kept = await post(member, roomId, 'kept');
    const removed = await post(member, roomId, 'breaks the rules');
    const response = await as(sa)(d.removePost, { p: removed, reason: '規約違反 (Art. 23-4)' });
    expect(response.data?.removePost).toMatchObject({ postId: removed, reason: '規約違反 (Art. 23-4)' });
    const timeline = await as(member)(d.timeline, { r: roomId });
    expect(timeline.data?.room.timeline.items.map((p: { id: string }) => p.id)).toEqual([kept]);
    expect(await t.db.prisma.post.findUniqueOrThrow({ where: { id: removed } })).toMatchObject({
      body: 'breaks the rules',
      removedBy: sa.userId,
      removalReason: '規約違反 (Art. 23-4)',
    });
    expect(errorCodes(await as(member)(d.editPost, { p: removed, b: 'again' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await as(member)(d.markRead, { p: removed }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await as(sa)(d.removePost, { p: removed, reason: 'again' }))).toEqual(['CONFLICT']);
  });

  it('removes members, who then lose the content', async () => {
    const { roomId } = await openRoomWithMembers(member, member2);
    expect(errorCodes(await as(opener)(d.addMember, { r: roomId, u: member.userId }))).toEqual(['CONFLICT']);
    expect((await as(opener)(d.removeMember, { r: roomId, u: member2.userId })).errors).toBeUndefined();
    expect(errorCodes(await as(member2)(d.timeline, { r: roomId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(opener)(d.removeMember, { r: roomId, u: member2.userId }))).toEqual(['CONFLICT']);
    expect((await as(sa)(d.members, { r: roomId })).data?.room.members).toEqual([
      { user: { id: member.userId }, addedBy: { id: opener.userId } },
    ]);
    expect(await t.db.prisma.roomMember.findFirst({ where: { roomId, userId: member2.userId } })).toMatchObject({
      removedBy: opener.userId,
      removedAt: expect.any(Date),
    });
  });

  it('keeps a closed room read-only (Form 10), and a suspended one too', async () => {
    const { roomId } = await openRoomWithMembers(member);
    const postId = await post(member, roomId);
    expect(errorCodes(await as(opener)(d.closeRoom, { r: roomId, reason: 'OTHER' }))).toEqual(['BAD_USER_INPUT']);
    const closed = await as(opener)(d.closeRoom, { r: roomId, reason: 'DEATH', note: '2026-11-20 ご逝去' });
    expect(closed.data?.closeRoom).toEqual({
      status: 'CLOSED',
      closedAt: expect.any(String),
      closedReason: 'DEATH',
      closureNote: '2026-11-20 ご逝去',
    });

    const before = await rowCounts();
    expect(errorCodes(await as(member)(d.createPost, { r: roomId, c: 'OTHER', b: 'x' }))).toEqual([
      'ILLEGAL_TRANSITION',
    ]);
    expect(errorCodes(await as(member)(d.editPost, { p: postId, b: 'x' }))).toEqual(['ILLEGAL_TRANSITION']);
    expect(errorCodes(await as(member)(d.schedule, { r: roomId, at: '2026-12-01T10:00:00Z', a: 'x' }))).toEqual([
      'ILLEGAL_TRANSITION',
    ]);
    expect(errorCodes(await as(opener)(d.addMember, { r: roomId, u: outsider.userId }))).toEqual([
      'ILLEGAL_TRANSITION',
    ]);
    expect(errorCodes(await as(opener)(d.closeRoom, { r: roomId, reason: 'MOVED' }))).toEqual(['ILLEGAL_TRANSITION']);
    expect(errorCodes(await as(outsider)(d.createPost, { r: roomId, c: 'OTHER', b: 'x' }))).toEqual(['FORBIDDEN']);
    expect(await rowCounts()).toEqual(before);
    // Still readable by its members, and kept.
    expect((await as(member)(d.timeline, { r: roomId })).data?.room.timeline.items).toHaveLength(1);

    const suspended = await openRoomWithMembers(member);
    await t.db.prisma.room.update({ where: { id: suspended.roomId }, data: { status: 'SUSPENDED' } });
    expect(errorCodes(await as(member)(d.createPost, { r: suspended.roomId, c: 'OTHER', b: 'x' }))).toEqual([
      'ILLEGAL_TRANSITION',
    ]);
    expect(errorCodes(await as(opener)(d.addMember, { r: suspended.roomId, u: outsider.userId }))).toEqual([
      'ILLEGAL_TRANSITION',
    ]);
    expect((await as(member)(d.timeline, { r: suspended.roomId })).errors).toBeUndefined();
  });

  describe('bad input changes nothing', () => {
    let roomId: string;
    let postId: string;
    const unknown = '0a921851-8bf2-4d1d-8a04-d58560765d90';
    beforeAll(async () => {
      ({ roomId } = await openRoomWithMembers(member));
      postId = await post(member, roomId);
    });

    it.each([
      ['a malformed room id', d.createPost, () => ({ r: 'room-1', c: 'MEDICAL', b: 'x' }), 'BAD_USER_INPUT', 'roomId'],
      ['a malformed post id', d.editPost, () => ({ p: 'post-1', b: 'x' }), 'BAD_USER_INPUT', 'postId'],
      ['a malformed post id to mark read', d.markRead, () => ({ p: 'nope' }), 'BAD_USER_INPUT', 'postId'],
      ['a malformed user id', d.addMember, () => ({ r: roomId, u: 'nope' }), 'BAD_USER_INPUT', 'userId'],
      ['a malformed room id in room()', d.room, () => ({ r: 'nope' }), 'BAD_USER_INPUT', 'id'],
      ['an empty body', d.createPost, () => ({ r: roomId, c: 'MEDICAL', b: '   ' }), 'BAD_USER_INPUT', 'body'],
      [
        'an oversized body',
        d.createPost,
        () => ({ r: roomId, c: 'MEDICAL', b: 'x'.repeat(10_001) }),
        'BAD_USER_INPUT',
        'body',
      ],
      ['an empty edit', d.editPost, () => ({ p: postId, b: '' }), 'BAD_USER_INPUT', 'body'],
      ['an unknown room', d.createPost, () => ({ r: unknown, c: 'MEDICAL', b: 'x' }), 'NOT_FOUND', undefined],
      ['an unknown room in room()', d.room, () => ({ r: unknown }), 'NOT_FOUND', undefined],
      ['an unknown post', d.editPost, () => ({ p: unknown, b: 'x' }), 'NOT_FOUND', undefined],
      ['an unknown post to mark read', d.markRead, () => ({ p: unknown }), 'NOT_FOUND', undefined],
      ['an unknown meeting', d.minutes, () => ({ m: unknown, text: 'x' }), 'NOT_FOUND', undefined],
      ['an unknown room to join', d.addMember, () => ({ r: unknown, u: member2.userId }), 'NOT_FOUND', undefined],
    ])('%s', async (_label, query, variables, code, field) => {
      const before = await rowCounts();
      const response = await as(member)(query, variables());
      expect(response.errors?.[0]?.extensions).toEqual(field ? { code, field } : { code });
      expect(await rowCounts()).toEqual(before);
    });

    it('a category outside Art. 8', async () => {
      const before = await rowCounts();
      expect(errorCodes(await as(member)(d.createPost, { r: roomId, c: 'GOSSIP', b: 'x' }))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(errorCodes(await as(member)(d.editPost, { p: postId, b: 'x', c: 'GOSSIP' }))).toEqual(['BAD_USER_INPUT']);
      expect(await rowCounts()).toEqual(before);
    });
  });
});
