// A Room reached through federation's `_entities`, sent straight to the rooms
// subgraph with a valid internal token for a real user who is not a member
// (what a caller who got past the gateway could send): every field but the
// id the caller already holds is refused (FORBIDDEN) and nothing of the room
// is in the answer; the refusal is in rooms' access chain as DENIED, once
// per request. A member asking the same gets the room (the control).
import { actorWithRole, type Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { directSubgraph, type DirectSubgraph } from '../support/direct-subgraph';
import { graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const roomFields = [
  'title',
  'status',
  'openedAt',
  'openedBy { id }',
  'closedAt',
  'closedReason',
  'closureNote',
  'subject { id }',
  'timeline { items { id body } }',
  'members { user { id } }',
  'meetings { id }',
  'notices { id }',
  'shareCodes { id }',
  'externalParticipants { id name }',
];
const entity = (fields: string) =>
  `query($id: ID!) { _entities(representations: [{ __typename: "Room", id: $id }]) { ... on Room { id ${fields} } } }`;

describe('_entities for a Room straight at the rooms subgraph', () => {
  let t: TestSystem;
  let rooms: DirectSubgraph;
  let sa: Actor;
  let member: Actor;
  let outsider: Actor;
  let roomId: string;
  let subjectId: string;
  const title = '秘密の部屋タイトル';

  beforeAll(async () => {
    t = await startTestSystem();
    rooms = await directSubgraph(t, 'rooms');
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    member = await actorWithRole(t, 'USER');
    outsider = await actorWithRole(t, 'USER');
    subjectId = await subjectWithConsent(t, sa);
    const opened = await graphql(
      t.graphqlUrl,
      `
        mutation ($s: ID!, $t: String!) {
          openRoom(input: { subjectId: $s, title: $t }) {
            id
          }
        }
      `,
      { s: subjectId, t: title },
      sa.headers,
    );
    roomId = opened.data?.openRoom.id;
    expect(
      (
        await graphql(
          t.graphqlUrl,
          `
            mutation ($r: ID!, $u: ID!) {
              addRoomMember(roomId: $r, userId: $u) {
                id
              }
            }
          `,
          { r: roomId, u: member.userId },
          sa.headers,
        )
      ).errors,
    ).toBeUndefined();
    const posted = await graphql(
      t.graphqlUrl,
      `
        mutation ($r: ID!) {
          createPost(roomId: $r, category: MEDICAL, body: "血圧 130/80") {
            id
          }
        }
      `,
      { r: roomId },
      member.headers,
    );
    expect(posted.errors).toBeUndefined();
  });
  afterAll(async () => {
    await rooms?.close();
    await t?.stop();
  });

  it('refuses a non-member every field, field by field, revealing nothing of the room', async () => {
    for (const field of roomFields) {
      const answer = await rooms.as(outsider)(entity(field), { id: roomId });
      expect({ field, codes: answer.errors?.map((e) => e.extensions?.code) }).toEqual({ field, codes: ['FORBIDDEN'] });
      const text = JSON.stringify(answer);
      for (const secret of [title, subjectId, member.userId, sa.userId, '血圧']) expect(text).not.toContain(secret);
    }
  });

  it('records the refusal as DENIED naming the caller and the room, once for a request refused on many fields', async () => {
    const denied = () =>
      t.db.prisma.roomsAccessRecord.count({ where: { actorId: outsider.userId, roomId, action: 'DENIED' } });
    const before = await denied();
    const answer = await rooms.as(outsider)(entity('title status openedAt subject { id }'), { id: roomId });
    expect(answer.data?._entities).toEqual([null]);
    expect(new Set(answer.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    // Concurrent fields refused after the first do not wait for its record (room-guard's refuse), so the
    // answer can precede the commit by a moment: wait for it, then check no second record follows.
    expect(await eventually(denied, (n) => n > before)).toBe(before + 1);
    // A barrier instead of a pause: a second refused request's record is appended after anything the first
    // request left in rooms' group commit (one writer, first in, first out), so once it is in, a late second
    // record of the first request would be too.
    await rooms.as(outsider)(entity('title'), { id: roomId });
    expect(await eventually(denied, (n) => n > before + 1)).toBe(before + 2);
    expect(
      await t.db.prisma.roomsAccessRecord.findFirst({
        where: { actorId: outsider.userId, roomId, action: 'DENIED' },
        orderBy: { seq: 'desc' },
      }),
    ).toMatchObject({
      actorRole: 'USER',
      subjectId,
      what: 'room',
      outcome: 'FORBIDDEN',
    });
  });

  it('gives a member the room (the same request, the same path)', async () => {
    const answer = await rooms.as(member)(entity('title status subject { id } timeline { items { body } }'), {
      id: roomId,
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?._entities).toEqual([
      { id: roomId, title, status: 'OPEN', subject: { id: subjectId }, timeline: { items: [{ body: '血圧 130/80' }] } },
    ]);
  });
});
