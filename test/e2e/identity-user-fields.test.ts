// Need to know for people (issue 10, part 2): a colleague's name, kana,
// role, facility and org unit are for anyone who may see the user; its
// accountId, status and lastActiveAt only for the person, its own facility's
// manager, the system admin and admin managers. Anyone else reads null (no
// error: a member list must still render). Checked two ways: through the
// gateway on the paths people really take (a room's member list, me, the
// facility's user list), and straight at identity's User reference resolver
// (`_entities`, what every other subgraph's User reaches) for each viewer.
import { actorWithRole, type Actor } from '../support/actors';
import { directSubgraph, type DirectSubgraph } from '../support/direct-subgraph';
import { graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const userFields = 'id name nameKana role facility { id } accountId status lastActiveAt';
const d = {
  openRoom: `mutation($s: ID!) { openRoom(input: { subjectId: $s, title: "部屋" }) { id } }`,
  addMember: `mutation($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u) { id } }`,
  members: `query($r: ID!) { room(id: $r) { members { user { ${userFields} } } } }`,
  me: `{ me { user { ${userFields} } } }`,
  users: `query($f: ID!) { users(facilityId: $f) { ${userFields} } }`,
  entity: `query($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { ${userFields} } } }`,
};

describe('who sees a colleague’s account fields', () => {
  let t: TestSystem;
  let identity: DirectSubgraph;
  let sa: Actor;
  let am: Actor;
  /** Facility A: its manager, the nurse whose fields are read, a colleague who is not a manager. */
  let fm: Actor;
  let nurse: Actor;
  let colleague: Actor;
  /** A user of facility B, a co-member of the nurse's room; and B's facility manager. */
  let coMember: Actor;
  let otherFm: Actor;
  let roomId: string;
  const lastActiveAt = new Date('2026-11-20T01:02:03.000Z');

  beforeAll(async () => {
    t = await startTestSystem();
    identity = await directSubgraph(t, 'identity');
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    am = await actorWithRole(t, 'ADMIN_MANAGER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    nurse = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    colleague = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    otherFm = await actorWithRole(t, 'FACILITY_MANAGER');
    coMember = await actorWithRole(t, 'USER', { facilityId: otherFm.facilityId });
    await t.db.prisma.user.update({ where: { id: nurse.userId }, data: { lastActiveAt } });
    const opened = await graphql(t.graphqlUrl, d.openRoom, { s: await subjectWithConsent(t, sa) }, sa.headers);
    roomId = opened.data?.openRoom.id;
    for (const member of [nurse, colleague, coMember]) {
      const added = await graphql(t.graphqlUrl, d.addMember, { r: roomId, u: member.userId }, sa.headers);
      expect(added.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await identity?.close();
    await t?.stop();
  });

  const visible = () => ({
    id: nurse.userId,
    name: expect.any(String),
    nameKana: 'テスト',
    role: 'USER',
    facility: { id: fm.facilityId },
    accountId: nurse.accountId,
    status: 'ACTIVE',
    lastActiveAt: lastActiveAt.toISOString(),
  });
  const hidden = () => ({ ...visible(), accountId: null, status: null, lastActiveAt: null });

  it('straight at identity: the person, its facility manager, the system admin and an admin manager see them; a co-member of another facility, a same-facility colleague and another facility’s manager get null, without an error', async () => {
    const cases: Array<[string, Actor, Record<string, unknown>]> = [
      ['self', nurse, visible()],
      ['own facility manager', fm, visible()],
      ['system admin', sa, visible()],
      ['admin manager', am, visible()],
      ['co-member of another facility', coMember, hidden()],
      ['same-facility user, not its manager', colleague, hidden()],
      ['another facility’s manager', otherFm, hidden()],
    ];
    for (const [label, viewer, expected] of cases) {
      const answer = await identity.as(viewer)(d.entity, { id: nurse.userId });
      expect({ label, errors: answer.errors, user: answer.data?._entities[0] }).toEqual({
        label,
        errors: undefined,
        user: expected,
      });
    }
  });

  it('through the gateway: in a room’s member list a co-member sees who the nurse is but not its account; the nurse sees its own', async () => {
    const seenBy = async (viewer: Actor) => {
      const answer = await graphql(t.graphqlUrl, d.members, { r: roomId }, viewer.headers);
      expect(answer.errors).toBeUndefined();
      return answer.data?.room.members
        .map((m: { user: { id: string } }) => m.user)
        .find((u: { id: string }) => u.id === nurse.userId);
    };
    expect(await seenBy(coMember)).toEqual(hidden());
    expect(await seenBy(colleague)).toEqual(hidden());
    expect(await seenBy(nurse)).toEqual(visible());
  });

  it('through the gateway: me shows the person its own account; its facility manager’s user list shows them', async () => {
    const me = await graphql(t.graphqlUrl, d.me, {}, nurse.headers);
    expect(me.data?.me.user).toMatchObject({ accountId: nurse.accountId, status: 'ACTIVE' });
    const listed = await graphql(t.graphqlUrl, d.users, { f: fm.facilityId }, fm.headers);
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.users.find((u: { id: string }) => u.id === nurse.userId)).toEqual(visible());
  });
});
