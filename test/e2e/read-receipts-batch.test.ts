// Batch read receipts (issue 13): markPostsRead marks the posts of one room
// read in one request, one insert, one access record per post (as
// markPostRead records each); it is idempotent, leaves out posts of another
// room and removed posts, refuses someone outside the room and more than 100
// ids; markPostRead keeps working.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  openRoom: 'mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "部屋", memberIds: $m }) { id } }',
  post: 'mutation($r: ID!, $b: String!) { createPost(roomId: $r, category: MEDICAL, body: $b) { id } }',
  markAll: 'mutation($r: ID!, $p: [ID!]!) { markPostsRead(roomId: $r, postIds: $p) { id readBy { id } } }',
  markOne: 'mutation($p: ID!) { markPostRead(postId: $p) { id readBy { id } } }',
  remove: 'mutation($p: ID!) { removePost(postId: $p, reason: "規約違反") { postId } }',
};

describe('marking a room’s posts read in one request', () => {
  let t: TestSystem;
  let sa: Actor;
  let author: Actor;
  let reader: Actor;
  let outsider: Actor;
  let roomId: string;
  let otherRoomPost: string;
  const posts: string[] = [];

  const call = async (query: string, variables: Record<string, unknown>, actor: Actor) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  const postReadRecords = () =>
    t.db.prisma.roomsAccessRecord.count({ where: { roomId, actorId: reader.userId, what: 'post.read' } });

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    author = await actorWithRole(t, 'USER');
    reader = await actorWithRole(t, 'USER');
    outsider = await actorWithRole(t, 'USER');
    const opened = await call(
      d.openRoom,
      { s: await subjectWithConsent(t, sa), m: [author.userId, reader.userId] },
      sa,
    );
    roomId = opened.data?.openRoom.id;
    for (let i = 0; i < 4; i += 1)
      posts.push((await call(d.post, { r: roomId, b: `経過 ${i}` }, author)).data?.createPost.id);
    const other = await call(d.openRoom, { s: await subjectWithConsent(t, sa), m: [author.userId, reader.userId] }, sa);
    otherRoomPost = (await call(d.post, { r: other.data?.openRoom.id, b: '別の部屋' }, author)).data?.createPost.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('marks the room’s posts read at once, with one access record per post', async () => {
    const marked = await call(d.markAll, { r: roomId, p: posts.slice(0, 3) }, reader);
    expect(marked.errors).toBeUndefined();
    expect(marked.data?.markPostsRead.map((p: { id: string }) => p.id)).toEqual(posts.slice(0, 3));
    for (const post of marked.data?.markPostsRead ?? []) expect(post.readBy).toEqual([{ id: reader.userId }]);
    expect(await t.db.prisma.postRead.count({ where: { userId: reader.userId } })).toBe(3);
    expect(await postReadRecords()).toBe(3);
  });

  it('is idempotent: marking again keeps the first receipts and adds the new one', async () => {
    const before = await t.db.prisma.postRead.findFirstOrThrow({ where: { postId: posts[0], userId: reader.userId } });
    const again = await call(d.markAll, { r: roomId, p: [posts[0], posts[0], posts[3]] }, reader);
    expect(again.errors).toBeUndefined();
    expect(again.data?.markPostsRead.map((p: { id: string }) => p.id)).toEqual([posts[0], posts[3]]);
    const after = await t.db.prisma.postRead.findFirstOrThrow({ where: { postId: posts[0], userId: reader.userId } });
    expect(after.readAt).toEqual(before.readAt);
    expect(await t.db.prisma.postRead.count({ where: { userId: reader.userId } })).toBe(4);
    expect(await postReadRecords()).toBe(5);
  });

  it('leaves out a post of another room, a removed post and an unknown id', async () => {
    const extra = (await call(d.post, { r: roomId, b: '削除される投稿' }, author)).data?.createPost.id;
    expect((await call(d.remove, { p: extra }, sa)).errors).toBeUndefined();
    const marked = await call(d.markAll, { r: roomId, p: [otherRoomPost, extra, randomUUID(), posts[1]] }, reader);
    expect(marked.errors).toBeUndefined();
    expect(marked.data?.markPostsRead.map((p: { id: string }) => p.id)).toEqual([posts[1]]);
    expect(await t.db.prisma.postRead.count({ where: { postId: { in: [otherRoomPost, extra] } } })).toBe(0);
  });

  it('refuses someone outside the room (recorded) and more than 100 ids', async () => {
    const refused = await call(d.markAll, { r: roomId, p: posts }, outsider);
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.postRead.count({ where: { userId: outsider.userId } })).toBe(0);
    expect(
      await t.db.prisma.roomsAccessRecord.count({ where: { roomId, actorId: outsider.userId, action: 'DENIED' } }),
    ).toBe(1);
    const tooMany = Array.from({ length: 101 }, () => randomUUID());
    expect(errorCodes(await call(d.markAll, { r: roomId, p: tooMany }, reader))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await call(d.markAll, { r: roomId, p: [] }, reader))).toEqual(['BAD_USER_INPUT']);
  });

  it('markPostRead still marks one post', async () => {
    const one = await call(d.markOne, { p: posts[2] }, author);
    expect(one.errors).toBeUndefined();
    expect(one.data?.markPostRead.readBy.map((u: { id: string }) => u.id).sort()).toEqual(
      [reader.userId, author.userId].sort(),
    );
  });
});
