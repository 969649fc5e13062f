// The rooms-and-consent story through the gateway, with the workers running:
// existence check (Art. 18) -> Form 6/7 consent (Art. 19) -> Form 8 -> room
// opened -> members post and read -> Form 9 -> Form 10 -> the room is
// read-only and kept. Each step is also tested on its own elsewhere; this
// is the walk a care team makes.
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { eventually } from '../support/eventually';
import { startTestSystem, type TestSystem } from '../support/test-system';

const application = 'id status room { id } copyToSystemAdmin';
const q = {
  registerSubject: `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }`,
  subjectName: `query($s: ID!) { subject(id: $s) { name } }`,
  ask: `mutation($k: String!, $b: Date!) { askRoomExists(nameKana: $k, birthDate: $b) { id status } }`,
  pass: `mutation($id: ID!) { passExistenceCheck(id: $id) { id status } }`,
  candidates: `query($id: ID!) { existenceCheck(id: $id) { matchingSubjects { id activeRoom { id } } } }`,
  answer: `mutation($id: ID!, $exists: Boolean!, $contact: String) { answerExistenceCheck(id: $id, roomExists: $exists, contact: $contact) { status roomExists contact } }`,
  consent: `mutation($input: ConsentInput!) { recordConsent(input: $input) { state } }`,
  open: `mutation($s: ID!, $t: String!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: $t, memberIds: $m) { ${application} } }`,
  change: `mutation($r: ID!, $a: [ID!]) { submitRoomMemberChange(roomId: $r, add: $a) { ${application} } }`,
  close: `mutation($r: ID!) { submitRoomClosure(roomId: $r, reason: DEATH) { ${application} } }`,
  confirm: `mutation($id: ID!) { confirmRoomApplication(id: $id) { ${application} } }`,
  approve: `mutation($id: ID!) { approveRoomApplication(id: $id) { ${application} } }`,
  post: `mutation($r: ID!, $b: String!) { createPost(roomId: $r, category: CARE_SERVICES, body: $b) { id } }`,
  read: `mutation($p: ID!) { markPostRead(postId: $p) { id readBy { id } } }`,
  timeline: `query($r: ID!) { room(id: $r) { status timeline { items { id body author { id name } } } } }`,
};

describe('a room from the existence check to its closure', () => {
  let t: TestSystem;
  let nurse: Actor;
  let pharmacist: Actor;
  let careManager: Actor;
  let fm: Actor;
  let hm: Actor;
  let am: Actor;
  let sa: Actor;
  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  async function ok(actor: Actor, query: string, variables: Record<string, unknown> = {}) {
    const response = await as(actor, query, variables);
    expect(response.errors).toBeUndefined();
    return response.data as Record<string, any>;
  }

  beforeAll(async () => {
    t = await startTestSystem({ workers: true });
    nurse = await actorWithRole(t, 'USER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: nurse.facilityId });
    pharmacist = await actorWithRole(t, 'USER');
    careManager = await actorWithRole(t, 'USER');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    am = await actorWithRole(t, 'ADMIN_MANAGER');
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
  });
  afterAll(() => t.stop());

  it('walks the whole lifecycle', async () => {
    // The subject is registered (in katakana); the nurse asks about the same person in hiragana.
    const { registerSubject: subject } = await ok(sa, q.registerSubject, {
      input: {
        name: '高岡 ハナ',
        nameKana: 'タカオカ ハナ',
        birthDate: '1936-03-03',
        category: 'RECEIVING_HOME_SUPPORT',
      },
    });

    // Art. 18: the question climbs and the answer comes back down.
    const { askRoomExists: check } = await ok(nurse, q.ask, { k: 'たかおか　はな', b: '1936-03-03' });
    expect(check.status).toBe('AT_FACILITY_MANAGER');
    expect((await ok(fm, q.pass, { id: check.id })).passExistenceCheck.status).toBe('AT_MANAGER');
    expect((await ok(am, q.pass, { id: check.id })).passExistenceCheck.status).toBe('AT_SYSTEM_ADMIN');
    const { existenceCheck } = await ok(sa, q.candidates, { id: check.id });
    expect(existenceCheck.matchingSubjects).toEqual([{ id: subject.id, activeRoom: null }]);
    const { answerExistenceCheck } = await ok(sa, q.answer, { id: check.id, exists: false });
    expect(answerExistenceCheck).toEqual({ status: 'ANSWERED', roomExists: false, contact: null });

    // Identity announced the subject; rooms learns of it through the directory-changed job.
    await eventually(
      () => t.db.prisma.directorySubject.count({ where: { subjectId: subject.id } }),
      (n) => n === 1,
    );
    // The answered check relates the nurse's facility to the subject it named (need to know): the
    // care-relationships-changed job writes identity's, rooms' and (last) consent's copy.
    await eventually(
      () =>
        t.db.prisma.consentCareRelationship.count({
          where: { subjectId: subject.id, holderId: nurse.facilityId, basis: 'EXISTENCE_CHECK' },
        }),
      (n) => n > 0,
    );
    expect((await ok(nurse, q.subjectName, { s: subject.id })).subject.name).toBe('高岡 ハナ');

    // Form 8 before consent: the decision is refused and the application stays where it was.
    const { submitRoomOpening: early } = await ok(nurse, q.open, {
      s: subject.id,
      t: 'ハナさんの在宅チーム',
      m: [nurse.userId, pharmacist.userId],
    });
    await ok(fm, q.confirm, { id: early.id });
    expect(errorCodes(await as(hm, q.approve, { id: early.id }))).toEqual(['CONFLICT']);

    // Forms 6 and 7: the nurse explains, the subject's son signs.
    await ok(nurse, q.consent, {
      input: {
        subjectId: subject.id,
        explanation: { explainedOn: '2026-11-20' },
        signature: { signedBy: 'FAMILY', signerName: '高岡 一郎', relationship: '長男', signedOn: '2026-11-20' },
        purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS', 'SERVICE_STAFF_MEETINGS'],
      },
    });
    // Rooms learns of the consent through consent's outbox and a job.
    await eventually(
      () => t.db.prisma.subjectSharing.findUnique({ where: { subjectId: subject.id } }),
      (view) => view?.allowed === true,
    );
    const { approveRoomApplication: opened } = await ok(hm, q.approve, { id: early.id });
    expect(opened).toMatchObject({ status: 'APPLIED', copyToSystemAdmin: true });
    const roomId = opened.room.id as string;

    // Members post and read; a manager who decided but was not invited sees no content.
    const { createPost } = await ok(nurse, q.post, { r: roomId, b: '本日訪問。食事量が少し減っています。' });
    const { markPostRead } = await ok(pharmacist, q.read, { p: createPost.id });
    expect(markPostRead.readBy).toEqual([{ id: pharmacist.userId }]);
    expect(errorCodes(await as(hm, q.timeline, { r: roomId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(careManager, q.timeline, { r: roomId }))).toEqual(['FORBIDDEN']);

    // Form 9: the care manager joins.
    const { submitRoomMemberChange: change } = await ok(nurse, q.change, { r: roomId, a: [careManager.userId] });
    await ok(fm, q.confirm, { id: change.id });
    expect((await ok(hm, q.approve, { id: change.id })).approveRoomApplication.status).toBe('APPLIED');
    const { room } = await ok(careManager, q.timeline, { r: roomId });
    expect(room.timeline.items).toEqual([
      {
        id: createPost.id,
        body: '本日訪問。食事量が少し減っています。',
        author: { id: nurse.userId, name: expect.any(String) },
      },
    ]);

    // Form 10: the subject died; the room is closed, kept and read-only.
    const { submitRoomClosure: closure } = await ok(nurse, q.close, { r: roomId });
    await ok(fm, q.confirm, { id: closure.id });
    await ok(hm, q.approve, { id: closure.id });
    const after = await ok(careManager, q.timeline, { r: roomId });
    expect(after.room.status).toBe('CLOSED');
    expect(after.room.timeline.items).toHaveLength(1);
    expect(errorCodes(await as(nurse, q.post, { r: roomId, b: '追記' }))).toEqual(['ILLEGAL_TRANSITION']);

    // Every step of the story is on the rooms access chain, and the chain verifies.
    expect(await t.db.prisma.roomsAccessRecord.count({ where: { subjectId: subject.id } })).toBeGreaterThan(10);
    const verified = await ok(sa, `{ verifyRoomsAccessChain { ok } }`);
    expect(verified.verifyRoomsAccessChain.ok).toBe(true);
  });
});
