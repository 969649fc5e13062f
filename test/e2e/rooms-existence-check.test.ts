// Art. 18 existence check through the real gateway (certificates off): the
// question climbs user → facility manager → admin/hospital manager → system
// admin and the answer comes back; identity offers the deciders the
// matching subjects (any kana spelling) and rooms their active room.
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { syncCare } from '../support/directory-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const checkFields =
  'id status nameKana birthDate roomExists contact requestedBy { id } steps { status actor { id } actorRole note }';
const d = {
  ask: `mutation($n: String!, $b: Date!) { askRoomExists(nameKana: $n, birthDate: $b) { ${checkFields} } }`,
  pass: `mutation($id: ID!, $note: String) { passExistenceCheck(id: $id, note: $note) { ${checkFields} } }`,
  answer: `mutation($id: ID!, $e: Boolean!, $c: String) { answerExistenceCheck(id: $id, roomExists: $e, contact: $c) { ${checkFields} } }`,
  check: `query($id: ID!) { existenceCheck(id: $id) { ${checkFields} } }`,
  checks: `query($s: ExistenceCheckStatus) { existenceChecks(status: $s) { id status } }`,
  matching: `query($id: ID!) { existenceCheck(id: $id) { id matchingSubjects { id name activeRoom { id } } } }`,
  register: `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }`,
};

describe('room existence check (Art. 18) through the gateway', () => {
  let t: TestSystem;
  let sa: Actor;
  let user: Actor;
  let facilityManager: Actor;
  let otherFacilityManager: Actor;
  let otherUser: Actor;
  let admin: Actor;
  let hospital: Actor;
  let subjectId: string;
  let roomId: string;

  const as =
    (actor: Actor) =>
    (query: string, variables: Record<string, unknown> = {}) =>
      graphql(t.graphqlUrl, query, variables, actor.headers);
  const counts = async () => [await t.db.prisma.existenceCheck.count(), await t.db.prisma.existenceCheckStep.count()];
  const denied = (actorId: string) =>
    t.db.prisma.roomsAccessRecord.findMany({ where: { actorId, action: 'DENIED', what: 'existence-check' } });

  async function ask(nameKana = 'ﾀｶｵｶﾀﾛｳ', birthDate = '1940-04-01') {
    const asked = await as(user)(d.ask, { n: nameKana, b: birthDate });
    expect(asked.errors).toBeUndefined();
    return asked.data?.askRoomExists.id as string;
  }

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    user = await actorWithRole(t, 'USER');
    facilityManager = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId });
    otherUser = await actorWithRole(t, 'USER');
    otherFacilityManager = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: otherUser.facilityId });
    admin = await actorWithRole(t, 'ADMIN_MANAGER');
    hospital = await actorWithRole(t, 'HOSPITAL_MANAGER');
    const registered = await as(user)(d.register, {
      input: {
        name: '高岡 太郎',
        nameKana: 'タカオカ タロウ',
        birthDate: '1940-04-01',
        category: 'RECEIVING_HOME_SUPPORT',
      },
    });
    expect(registered.errors).toBeUndefined();
    subjectId = registered.data?.registerSubject.id;
    // The registrant's facility carries the steps (need to know): it obtains consent and asks for the room (Form 8).
    await subjectWithConsent(t, user, subjectId);
    const submitted = await as(user)(
      `mutation($s: ID!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: "高岡太郎さんの部屋", memberIds: $m) { id } }`,
      { s: subjectId, m: [user.userId] },
    );
    expect(submitted.errors).toBeUndefined();
    const applicationId = submitted.data?.submitRoomOpening.id;
    expect(
      (
        await as(facilityManager)(`mutation($id: ID!) { confirmRoomApplication(id: $id) { id } }`, {
          id: applicationId,
        })
      ).errors,
    ).toBeUndefined();
    const opened = await as(hospital)(`mutation($id: ID!) { approveRoomApplication(id: $id) { room { id } } }`, {
      id: applicationId,
    });
    expect(opened.errors).toBeUndefined();
    roomId = opened.data?.approveRoomApplication.room.id;
    await syncCare(t, subjectId);
  });
  afterAll(() => t.stop());

  it('climbs to the system admin and comes back answered, with every step visible', async () => {
    const id = await ask();
    let check = (await as(user)(d.check, { id })).data?.existenceCheck;
    expect(check).toMatchObject({
      status: 'AT_FACILITY_MANAGER',
      nameKana: 'ﾀｶｵｶﾀﾛｳ',
      birthDate: '1940-04-01',
      roomExists: null,
      contact: null,
      requestedBy: { id: user.userId },
    });
    expect(check.steps).toEqual([
      { status: 'AT_FACILITY_MANAGER', actor: { id: user.userId }, actorRole: 'USER', note: null },
    ]);
    const stored = await t.db.prisma.existenceCheck.findUniqueOrThrow({ where: { id } });
    expect(stored.facilityId).toBe(user.facilityId);

    // Managers do not see it before it reaches them.
    expect((await as(admin)(d.checks)).data?.existenceChecks.map((c: { id: string }) => c.id)).not.toContain(id);
    expect(
      (await as(facilityManager)(d.checks, { s: 'AT_FACILITY_MANAGER' })).data?.existenceChecks.map(
        (c: { id: string }) => c.id,
      ),
    ).toContain(id);

    const passed = await as(facilityManager)(d.pass, { id, note: '確認しました' });
    expect(passed.errors).toBeUndefined();
    expect(passed.data?.passExistenceCheck.status).toBe('AT_MANAGER');

    check = (await as(hospital)(d.check, { id })).data?.existenceCheck;
    expect(check.steps.map((s: { actorRole: string }) => s.actorRole)).toEqual(['USER', 'FACILITY_MANAGER']);
    expect(check.steps[1].note).toBe('確認しました');
    expect(
      (await as(admin)(d.checks, { s: 'AT_MANAGER' })).data?.existenceChecks.map((c: { id: string }) => c.id),
    ).toContain(id);

    expect((await as(admin)(d.pass, { id })).data?.passExistenceCheck.status).toBe('AT_SYSTEM_ADMIN');
    const answered = await as(sa)(d.answer, { id, e: true, c: '高岡市民病院 地域連携室' });
    expect(answered.errors).toBeUndefined();
    expect(answered.data?.answerExistenceCheck).toMatchObject({
      status: 'ANSWERED',
      roomExists: true,
      contact: '高岡市民病院 地域連携室',
    });

    // Back down: the requester and every earlier actor see the answer and the whole history.
    for (const actor of [user, facilityManager, admin, hospital, sa]) {
      const seen = (await as(actor)(d.check, { id })).data?.existenceCheck;
      expect(seen).toMatchObject({ status: 'ANSWERED', roomExists: true, contact: '高岡市民病院 地域連携室' });
      expect(seen.steps.map((s: { status: string; actorRole: string }) => `${s.status}:${s.actorRole}`)).toEqual([
        'AT_FACILITY_MANAGER:USER',
        'AT_MANAGER:FACILITY_MANAGER',
        'AT_SYSTEM_ADMIN:ADMIN_MANAGER',
        'ANSWERED:SYSTEM_ADMIN',
      ]);
    }
    expect((await as(user)(d.checks, { s: 'ANSWERED' })).data?.existenceChecks).toEqual([{ id, status: 'ANSWERED' }]);
  });

  it('shows the deciders the subject registered under another spelling, and the system admin its room', async () => {
    const id = await ask('たかおか　たろう');
    // The requester may see the check but not the candidates.
    const refused = await as(user)(d.matching, { id });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(facilityManager)(d.matching, { id }))).toEqual(['FORBIDDEN']);

    await as(facilityManager)(d.pass, { id });
    // The check waiting for the deciders relates them to the subjects it names (the job's work, run now).
    await syncCare(t, subjectId);
    // An admin manager who did not open the room sees the candidate but not its room.
    const forAdmin = await as(admin)(d.matching, { id });
    expect(forAdmin.errors).toBeUndefined();
    expect(forAdmin.data?.existenceCheck.matchingSubjects).toEqual([
      { id: subjectId, name: '高岡 太郎', activeRoom: null },
    ]);

    await as(hospital)(d.pass, { id });
    const forSa = await as(sa)(d.matching, { id });
    expect(forSa.errors).toBeUndefined();
    expect(forSa.data?.existenceCheck.matchingSubjects).toEqual([
      { id: subjectId, name: '高岡 太郎', activeRoom: { id: roomId } },
    ]);

    // No match: another birth date.
    const other = await ask('たかおか　たろう', '1941-04-01');
    expect((await as(sa)(d.matching, { id: other })).data?.existenceCheck.matchingSubjects).toEqual([]);
  });

  it('refuses another facility and non-actors, records the refusal and changes nothing', async () => {
    const id = await ask();
    const before = await counts();
    const attempts: Array<[Actor, string, Record<string, unknown>]> = [
      [otherFacilityManager, d.check, { id }],
      [otherFacilityManager, d.pass, { id }],
      [otherUser, d.check, { id }],
      [admin, d.check, { id }],
      [admin, d.pass, { id }],
      [user, d.pass, { id }],
      [sa, d.pass, { id }],
      [facilityManager, d.answer, { id, e: false }],
      [facilityManager, d.ask, { n: 'たろう', b: '1940-04-01' }],
      [sa, d.ask, { n: 'たろう', b: '1940-04-01' }],
    ];
    for (const [actor, query, variables] of attempts) {
      const response = await as(actor)(query, variables);
      expect([actor.userId, JSON.stringify(variables), errorCodes(response)]).toEqual([
        actor.userId,
        JSON.stringify(variables),
        ['FORBIDDEN'],
      ]);
    }
    expect(await counts()).toEqual(before);
    expect((await denied(otherFacilityManager.userId)).length).toBeGreaterThan(0);
    expect((await denied(admin.userId))[0]).toMatchObject({
      actorRole: 'ADMIN_MANAGER',
      outcome: 'FORBIDDEN',
      roomId: null,
      subjectId: null,
    });
    expect(
      (await as(otherFacilityManager)(d.checks)).data?.existenceChecks.map((c: { id: string }) => c.id),
    ).not.toContain(id);
    expect((await as(otherUser)(d.checks)).data?.existenceChecks).toEqual([]);
  });

  it('refuses steps out of order with ILLEGAL_TRANSITION', async () => {
    const id = await ask();
    expect(errorCodes(await as(sa)(d.answer, { id, e: false }))).toEqual(['ILLEGAL_TRANSITION']);
    await as(facilityManager)(d.pass, { id });
    const before = await counts();
    expect(errorCodes(await as(facilityManager)(d.pass, { id }))).toEqual(['ILLEGAL_TRANSITION']);
    expect(errorCodes(await as(sa)(d.answer, { id, e: false }))).toEqual(['ILLEGAL_TRANSITION']);
    await as(hospital)(d.pass, { id });
    expect(errorCodes(await as(admin)(d.pass, { id }))).toEqual(['ILLEGAL_TRANSITION']);
    const answered = await as(sa)(d.answer, { id, e: false });
    expect(answered.data?.answerExistenceCheck).toMatchObject({ status: 'ANSWERED', roomExists: false, contact: null });
    expect(errorCodes(await as(sa)(d.answer, { id, e: true, c: 'x' }))).toEqual(['ILLEGAL_TRANSITION']);
    const [checksBefore = 0, stepsBefore = 0] = before;
    expect(await counts()).toEqual([checksBefore, stepsBefore + 2]);
  });

  it('refuses bad input naming the field and writes nothing', async () => {
    const id = await ask();
    await as(facilityManager)(d.pass, { id });
    await as(admin)(d.pass, { id });
    const before = await counts();
    const cases: Array<[Actor, string, Record<string, unknown>, string]> = [
      [user, d.ask, { n: '高岡太郎', b: '1940-04-01' }, 'nameKana'],
      [user, d.ask, { n: '', b: '1940-04-01' }, 'nameKana'],
      [user, d.ask, { n: 'た'.repeat(101), b: '1940-04-01' }, 'nameKana'],
      [user, d.ask, { n: 'たろう', b: '1940-02-30' }, 'birthDate'],
      [user, d.ask, { n: 'たろう', b: '2999-01-01' }, 'birthDate'],
      [user, d.ask, { n: 'たろう', b: 'yesterday' }, 'birthDate'],
      [sa, d.answer, { id, e: true }, 'contact'],
      [sa, d.answer, { id, e: true, c: '   ' }, 'contact'],
      [sa, d.answer, { id, e: true, c: 'x'.repeat(201) }, 'contact'],
      [sa, d.answer, { id: 'not-an-id', e: false }, 'id'],
      [facilityManager, d.pass, { id: 'nope' }, 'id'],
      [user, d.check, { id: 'nope' }, 'id'],
    ];
    for (const [actor, query, variables, field] of cases) {
      const response = await as(actor)(query, variables);
      expect([JSON.stringify(variables), errorCodes(response), response.errors?.[0]?.extensions?.field]).toEqual([
        JSON.stringify(variables),
        ['BAD_USER_INPUT'],
        field,
      ]);
    }
    expect(await counts()).toEqual(before);
    expect((await t.db.prisma.existenceCheck.findUniqueOrThrow({ where: { id } })).status).toBe('AT_SYSTEM_ADMIN');
    expect(errorCodes(await as(user)(d.check, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
  });
});
