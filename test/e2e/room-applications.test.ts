// Forms 8-10 through the gateway, with the workers running so rooms' sharing
// view (rooms.subject_sharing) follows consent's outbox events.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { eventually } from '../support/eventually';
import { registeredSubject, syncCare } from '../support/directory-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const fields =
  'id form status facilityId roomId: room { id } title memberIds addMemberIds removeMemberIds closedReason decisionReason copyToSystemAdmin steps { action actorRole reason actor { id } }';
const d = {
  open: `mutation($s: ID!, $t: String!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: $t, memberIds: $m) { ${fields} } }`,
  change: `mutation($r: ID!, $a: [ID!], $x: [ID!]) { submitRoomMemberChange(roomId: $r, add: $a, remove: $x) { ${fields} } }`,
  close: `mutation($r: ID!, $reason: RoomClosedReason!, $n: String) { submitRoomClosure(roomId: $r, reason: $reason, note: $n) { ${fields} } }`,
  confirm: `mutation($id: ID!) { confirmRoomApplication(id: $id) { ${fields} } }`,
  approve: `mutation($id: ID!) { approveRoomApplication(id: $id) { ${fields} } }`,
  reject: `mutation($id: ID!, $r: String!) { rejectRoomApplication(id: $id, reason: $r) { ${fields} } }`,
  withdraw: `mutation($id: ID!) { withdrawRoomApplication(id: $id) { ${fields} } }`,
  list: `query { roomApplications { id } }`,
  one: `query($id: ID!) { roomApplication(id: $id) { id status } }`,
  room: `query($r: ID!) { room(id: $r) { status openedBy { id } members { user { id } } } }`,
  post: `mutation($r: ID!, $b: String!) { createPost(roomId: $r, category: MEDICAL, body: $b) { id } }`,
  recordConsent: `mutation($input: ConsentInput!) { recordConsent(input: $input) { id } }`,
  recordException: `mutation($input: LegalExceptionInput!) { recordLegalException(input: $input) { id } }`,
};

const consentInput = (subjectId: string) => ({
  subjectId,
  explanation: { explainedOn: '2025-04-01' },
  signature: { signedBy: 'FAMILY', signerName: '高岡 一郎', relationship: '長男', signedOn: '2025-04-02' },
  purposes: ['PROVIDE_SERVICES'],
});

describe('room applications (Forms 8-10)', () => {
  let t: TestSystem;
  let user: Actor;
  let colleague: Actor;
  let newcomer: Actor;
  let fm: Actor;
  let otherFm: Actor;
  let hm: Actor;
  let sa: Actor;
  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  const sharing = (subjectId: string) => t.db.prisma.subjectSharing.findUnique({ where: { subjectId } });

  beforeAll(async () => {
    t = await startTestSystem({ workers: true });
    user = await actorWithRole(t, 'USER');
    colleague = await actorWithRole(t, 'USER', { facilityId: user.facilityId });
    newcomer = await actorWithRole(t, 'USER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId });
    otherFm = await actorWithRole(t, 'FACILITY_MANAGER');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
  });
  afterAll(() => t.stop());

  async function submitAndConfirm(subjectId: string) {
    const submitted = await as(user, d.open, { s: subjectId, t: '太郎さんの部屋', m: [user.userId, colleague.userId] });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data?.submitRoomOpening.id as string;
    const confirmed = await as(fm, d.confirm, { id });
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data?.confirmRoomApplication.status).toBe('FORWARDED');
    // The deciders are related to the subject while the form waits for them; the job would say so within a second.
    await syncCare(t, subjectId);
    return id;
  }

  it("opens a room only once consent is in rooms' view, then changes members and closes it", async () => {
    const subjectId = await registeredSubject(t, undefined, user);
    const id = await submitAndConfirm(subjectId);

    // No consent: CONFLICT, the application stays FORWARDED, no room.
    const refused = await as(hm, d.approve, { id });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors?.[0]?.message).toMatch(/consent/);
    expect(refused.errors?.[0]?.message).toMatch(/exception/);
    expect((await t.db.prisma.roomApplication.findUniqueOrThrow({ where: { id } })).status).toBe('FORWARDED');
    expect(await t.db.prisma.room.count({ where: { subjectId } })).toBe(0);
    expect(
      await t.db.prisma.roomsAccessRecord.count({
        where: { subjectId, what: 'room-application', action: 'DENIED', outcome: 'CONFLICT' },
      }),
    ).toBe(1);

    expect((await as(hm, d.recordConsent, { input: consentInput(subjectId) })).errors).toBeUndefined();
    expect(
      (
        await eventually(
          () => sharing(subjectId),
          (row) => row?.allowed === true,
        )
      )?.basis,
    ).toBe('CONSENT');

    const approved = await as(hm, d.approve, { id });
    expect(approved.errors).toBeUndefined();
    const application = approved.data?.approveRoomApplication;
    expect(application).toMatchObject({ status: 'APPLIED', copyToSystemAdmin: true, facilityId: user.facilityId });
    expect(application.steps.map((s: { action: string }) => s.action).sort()).toEqual([
      'apply',
      'approve',
      'forward',
      'submit',
    ]);
    expect(application.steps.find((s: { action: string }) => s.action === 'approve')).toMatchObject({
      actorRole: 'HOSPITAL_MANAGER',
      actor: { id: hm.userId },
    });
    const roomId = application.roomId.id as string;

    const room = await as(hm, d.room, { r: roomId });
    expect(room.errors).toBeUndefined();
    expect(room.data?.room.status).toBe('OPEN');
    expect(room.data?.room.openedBy.id).toBe(hm.userId);
    expect(room.data?.room.members.map((m: { user: { id: string } }) => m.user.id).sort()).toEqual(
      [user.userId, colleague.userId].sort(),
    );
    expect((await as(colleague, d.post, { r: roomId, b: '訪問しました' })).errors).toBeUndefined();
    // Every step is in rooms' access records.
    expect(
      await t.db.prisma.roomsAccessRecord.count({ where: { subjectId, what: 'room-application', action: 'WRITE' } }),
    ).toBe(4);

    // One open room per subject: a second Form 8 is refused at approval.
    const second = await submitAndConfirm(subjectId);
    expect(errorCodes(await as(hm, d.approve, { id: second }))).toEqual(['CONFLICT']);
    expect((await t.db.prisma.roomApplication.findUniqueOrThrow({ where: { id: second } })).status).toBe('FORWARDED');

    // Form 9 adds a member.
    const change = await as(user, d.change, { r: roomId, a: [newcomer.userId] });
    expect(change.errors).toBeUndefined();
    const changeId = change.data?.submitRoomMemberChange.id as string;
    expect((await as(fm, d.confirm, { id: changeId })).errors).toBeUndefined();
    expect((await as(sa, d.approve, { id: changeId })).data?.approveRoomApplication).toMatchObject({
      status: 'APPLIED',
      copyToSystemAdmin: false,
    });
    expect((await as(newcomer, d.post, { r: roomId, b: '初めまして' })).errors).toBeUndefined();

    // Form 10 closes it: posting is refused.
    const closure = await as(user, d.close, { r: roomId, reason: 'MOVED' });
    expect(closure.errors).toBeUndefined();
    const closureId = closure.data?.submitRoomClosure.id as string;
    expect((await as(fm, d.confirm, { id: closureId })).errors).toBeUndefined();
    expect((await as(hm, d.approve, { id: closureId })).errors).toBeUndefined();
    expect((await t.db.prisma.room.findUniqueOrThrow({ where: { id: roomId } })).status).toBe('CLOSED');
    expect(errorCodes(await as(colleague, d.post, { r: roomId, b: 'まだ' }))).toEqual(['ILLEGAL_TRANSITION']);

    // Visibility: the submitter, its facility manager and the deciders; not another facility's manager.
    expect((await as(user, d.one, { id })).data?.roomApplication.id).toBe(id);
    expect((await as(fm, d.list)).data?.roomApplications.map((a: { id: string }) => a.id)).toContain(id);
    expect((await as(hm, d.list)).data?.roomApplications.map((a: { id: string }) => a.id)).toContain(id);
    expect((await as(otherFm, d.list)).data?.roomApplications).toEqual([]);
    expect(errorCodes(await as(otherFm, d.one, { id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(colleague, d.one, { id }))).toEqual(['FORBIDDEN']);
  });

  it("refuses approval before confirmation, and confirmation by another facility's manager", async () => {
    const submitted = await as(user, d.open, {
      s: await registeredSubject(t, undefined, user),
      t: '部屋',
      m: [user.userId],
    });
    const id = submitted.data?.submitRoomOpening.id as string;
    const deniedOf = (actorId: string) =>
      t.db.prisma.roomsAccessRecord.count({
        where: { what: 'room-application', action: 'DENIED', outcome: 'FORBIDDEN', actorId },
      });
    const deniedBefore = await deniedOf(otherFm.userId);
    expect(errorCodes(await as(hm, d.approve, { id }))).toEqual(['ILLEGAL_TRANSITION']);
    expect(errorCodes(await as(otherFm, d.confirm, { id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(user, d.approve, { id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(fm, d.open, { s: randomUUID(), t: '部屋', m: [user.userId] }))).toEqual(['FORBIDDEN']);
    expect(await deniedOf(otherFm.userId)).toBe(deniedBefore + 1);
    expect((await t.db.prisma.roomApplication.findUniqueOrThrow({ where: { id } })).status).toBe('SUBMITTED');

    // Rejection and withdrawal.
    expect((await as(fm, d.confirm, { id })).errors).toBeUndefined();
    expect((await as(hm, d.reject, { id, r: '同意書が未提出' })).data?.rejectRoomApplication).toMatchObject({
      status: 'REJECTED',
      decisionReason: '同意書が未提出',
    });
    expect(errorCodes(await as(user, d.withdraw, { id }))).toEqual(['ILLEGAL_TRANSITION']);
    const other = await as(user, d.open, {
      s: await registeredSubject(t, undefined, user),
      t: '部屋',
      m: [user.userId],
    });
    expect(
      (await as(user, d.withdraw, { id: other.data?.submitRoomOpening.id })).data?.withdrawRoomApplication.status,
    ).toBe('WITHDRAWN');
  });

  it('refuses bad input with BAD_USER_INPUT and writes nothing', async () => {
    const before = await t.db.prisma.roomApplication.count();
    const records = await t.db.prisma.roomsAccessRecord.count();
    expect(errorCodes(await as(user, d.open, { s: 'not-an-id', t: '部屋', m: [user.userId] }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await as(user, d.open, { s: randomUUID(), t: '   ', m: [user.userId] }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await as(user, d.open, { s: randomUUID(), t: '部屋', m: ['nope'] }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as(user, d.open, { s: randomUUID(), t: '部屋', m: [] }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as(user, d.close, { r: randomUUID(), reason: 'BORED' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as(hm, d.approve, { id: 'x' }))).toEqual(['BAD_USER_INPUT']);
    expect(await t.db.prisma.roomApplication.count()).toBe(before);
    expect(await t.db.prisma.roomsAccessRecord.count()).toBe(records);
  });

  it('a legal exception also allows opening', async () => {
    const subjectId = await registeredSubject(t, undefined, user);
    const id = await submitAndConfirm(subjectId);
    const reviewOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const recorded = await as(hm, d.recordException, {
      input: { subjectId, basis: 'ELDER_ABUSE', decidedBy: '高岡市 福祉課長', reason: '虐待の疑い', reviewOn },
    });
    expect(recorded.errors).toBeUndefined();
    expect(
      (
        await eventually(
          () => sharing(subjectId),
          (row) => row?.allowed === true,
        )
      )?.basis,
    ).toBe('ELDER_ABUSE');
    const approved = await as(hm, d.approve, { id });
    expect(approved.errors).toBeUndefined();
    expect(approved.data?.approveRoomApplication.status).toBe('APPLIED');
  });

  it('records paper forms (openRoom, addRoomMember, removeRoomMember, closeRoom) under the same rules, with their history', async () => {
    const paper = {
      open: `mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "紙の様式8", memberIds: $m, paperReference: "綴り 2026-118" }) { id status } }`,
      add: `mutation($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u, paperReference: "綴り 2026-119") { id } }`,
      remove: `mutation($r: ID!, $u: ID!) { removeRoomMember(roomId: $r, userId: $u) { id } }`,
      close: `mutation($r: ID!) { closeRoom(roomId: $r, reason: MOVED) { status } }`,
      applications: `{ roomApplications { form status recordedFromPaper paperReference copyToSystemAdmin subject { id } steps { action actorRole reason } } }`,
    };
    const subjectId = await registeredSubject(t, undefined, hm);
    // No consent: refused like an approval, nothing written but the refusal.
    const before = await t.db.prisma.roomApplication.count();
    const refused = await as(hm, paper.open, { s: subjectId, m: [user.userId] });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(await t.db.prisma.roomApplication.count()).toBe(before);
    expect(await t.db.prisma.room.count({ where: { subjectId } })).toBe(0);
    expect(
      await t.db.prisma.roomsAccessRecord.count({
        where: { subjectId, actorId: hm.userId, action: 'DENIED', outcome: 'CONFLICT' },
      }),
    ).toBe(1);
    // A USER may not record paper forms.
    expect(errorCodes(await as(user, paper.open, { s: subjectId, m: [user.userId] }))).toEqual(['FORBIDDEN']);

    expect((await as(hm, d.recordConsent, { input: consentInput(subjectId) })).errors).toBeUndefined();
    await eventually(
      () => sharing(subjectId),
      (row) => row?.allowed === true,
    );
    const opened = await as(hm, paper.open, { s: subjectId, m: [user.userId] });
    expect(opened.data?.openRoom.status).toBe('OPEN');
    const roomId = opened.data?.openRoom.id as string;
    expect((await as(hm, paper.add, { r: roomId, u: colleague.userId })).errors).toBeUndefined();
    expect(errorCodes(await as(hm, paper.add, { r: roomId, u: colleague.userId }))).toEqual(['CONFLICT']);
    expect((await as(hm, paper.remove, { r: roomId, u: colleague.userId })).errors).toBeUndefined();
    expect((await as(hm, paper.close, { r: roomId })).data?.closeRoom.status).toBe('CLOSED');
    expect((await as(user, d.post, { r: roomId, b: 'x' })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');

    const listed = (await as(hm, paper.applications)).data?.roomApplications.filter(
      (a: { subject: { id: string } }) => a.subject.id === subjectId,
    );
    const steps = [
      { action: 'submit', actorRole: 'HOSPITAL_MANAGER', reason: expect.stringMatching(/paper/) },
      { action: 'approve', actorRole: 'HOSPITAL_MANAGER', reason: null },
      { action: 'apply', actorRole: 'HOSPITAL_MANAGER', reason: null },
    ];
    expect(listed).toEqual([
      {
        form: 10,
        status: 'APPLIED',
        recordedFromPaper: true,
        paperReference: null,
        copyToSystemAdmin: true,
        subject: { id: subjectId },
        steps,
      },
      {
        form: 9,
        status: 'APPLIED',
        recordedFromPaper: true,
        paperReference: null,
        copyToSystemAdmin: true,
        subject: { id: subjectId },
        steps,
      },
      {
        form: 9,
        status: 'APPLIED',
        recordedFromPaper: true,
        paperReference: '綴り 2026-119',
        copyToSystemAdmin: true,
        subject: { id: subjectId },
        steps,
      },
      {
        form: 8,
        status: 'APPLIED',
        recordedFromPaper: true,
        paperReference: '綴り 2026-118',
        copyToSystemAdmin: true,
        subject: { id: subjectId },
        steps,
      },
    ]);
  });

  it("refuses ids that name no one: an unregistered subject, a forged or suspended member (rooms' directory view follows identity)", async () => {
    const before = {
      applications: await t.db.prisma.roomApplication.count(),
      records: await t.db.prisma.roomsAccessRecord.count(),
    };
    // An unknown subject is refused as an unrelated one is (need to know: the refusal does not say whether it exists).
    const unknownSubject = await as(user, d.open, { s: randomUUID(), t: '部屋', m: [user.userId] });
    expect(errorCodes(unknownSubject)).toEqual(['FORBIDDEN']);
    const forgedMember = await as(user, d.open, {
      s: await registeredSubject(t, undefined, user),
      t: '部屋',
      m: [user.userId, randomUUID()],
    });
    expect(errorCodes(forgedMember)).toEqual(['BAD_USER_INPUT']);
    expect(forgedMember.errors?.[0]?.extensions?.field).toBe('memberIds');
    expect(await t.db.prisma.roomApplication.count()).toBe(before.applications);
    // The only record: the refusal of the unrelated subject.
    expect(await t.db.prisma.roomsAccessRecord.count()).toBe(before.records + 1);

    // A subject registered through identity reaches rooms' view through identity's outbox and the directory-changed job.
    const registered = await as(
      user,
      `mutation { registerSubject(input: { name: "伏木 花子", nameKana: "フシキ ハナコ", birthDate: "1941-05-05", category: RECEIVING_HOME_SUPPORT }) { id } }`,
    );
    expect(registered.errors).toBeUndefined();
    const subjectId = registered.data?.registerSubject.id as string;
    expect(
      await eventually(
        () => t.db.prisma.directorySubject.count({ where: { subjectId } }),
        (n) => n === 1,
      ),
    ).toBe(1);
    // ... and its registrant becomes related to it through the care-relationships-changed job.
    expect(
      await eventually(
        () => t.db.prisma.roomsCareRelationship.count({ where: { subjectId, holderId: user.userId } }),
        (n) => n > 0,
      ),
    ).toBeGreaterThan(0);

    // A member suspended after the form was submitted: the approval is refused (CONFLICT) and nothing changes.
    const member = await actorWithRole(t, 'USER', { facilityId: user.facilityId });
    const submitted = await as(user, d.open, { s: subjectId, t: '花子さんの部屋', m: [user.userId, member.userId] });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data?.submitRoomOpening.id as string;
    expect((await as(fm, d.confirm, { id })).errors).toBeUndefined();
    await syncCare(t, subjectId);
    expect((await as(hm, d.recordConsent, { input: consentInput(subjectId) })).errors).toBeUndefined();
    await eventually(
      () => sharing(subjectId),
      (row) => row?.allowed === true,
    );
    expect(
      (
        await as(sa, `mutation($u: ID!) { suspendUser(userId: $u, reason: "規約違反の疑い") { status } }`, {
          u: member.userId,
        })
      ).errors,
    ).toBeUndefined();
    await eventually(
      () => t.db.prisma.directoryUser.findUnique({ where: { userId: member.userId } }),
      (row) => row?.active === false,
    );
    const refused = await as(hm, d.approve, { id });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect((await t.db.prisma.roomApplication.findUniqueOrThrow({ where: { id } })).status).toBe('FORWARDED');
    expect(await t.db.prisma.room.count({ where: { subjectId } })).toBe(0);
  });

  it('a member whose account is deleted (Art. 23) leaves every room; a suspended one stays', async () => {
    const leaving = await actorWithRole(t, 'USER', { facilityId: user.facilityId });
    const staying = await actorWithRole(t, 'USER', { facilityId: user.facilityId });
    const subjectId = await registeredSubject(t, undefined, hm);
    expect((await as(hm, d.recordConsent, { input: consentInput(subjectId) })).errors).toBeUndefined();
    await eventually(
      () => sharing(subjectId),
      (row) => row?.allowed === true,
    );
    const opened = await as(
      hm,
      `mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "部屋", memberIds: $m }) { id } }`,
      { s: subjectId, m: [user.userId, leaving.userId, staying.userId] },
    );
    expect(opened.errors).toBeUndefined();
    const roomId = opened.data?.openRoom.id as string;

    expect(
      (
        await as(sa, `mutation($u: ID!) { deleteAccount(userId: $u, reason: "退職に伴う削除") { status } }`, {
          u: leaving.userId,
        })
      ).errors,
    ).toBeUndefined();
    expect(
      (
        await as(sa, `mutation($u: ID!) { suspendUser(userId: $u, reason: "調査中") { status } }`, {
          u: staying.userId,
        })
      ).errors,
    ).toBeUndefined();
    const left = await eventually(
      () => t.db.prisma.roomMember.findFirstOrThrow({ where: { roomId, userId: leaving.userId } }),
      (m) => m.removedAt !== null,
    );
    expect(left).toMatchObject({ removedAt: expect.any(Date), removedBy: null });
    await eventually(
      () => t.db.prisma.directoryUser.findUniqueOrThrow({ where: { userId: staying.userId } }),
      (row) => row.active === false,
    );
    expect(
      (await t.db.prisma.roomMember.findFirstOrThrow({ where: { roomId, userId: staying.userId } })).removedAt,
    ).toBeNull();
    expect(
      await t.db.prisma.roomsAccessRecord.count({ where: { roomId, what: 'member.departed', actorRole: 'SYSTEM' } }),
    ).toBe(1);
  });

  it('refuses a Form 9 that adds a current member or removes someone who is not one, at once and writing nothing', async () => {
    const subjectId = await registeredSubject(t, undefined, hm);
    expect((await as(hm, d.recordConsent, { input: consentInput(subjectId) })).errors).toBeUndefined();
    await eventually(
      () => sharing(subjectId),
      (row) => row?.allowed === true,
    );
    const opened = await as(
      hm,
      `mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "部屋", memberIds: $m }) { id } }`,
      { s: subjectId, m: [user.userId] },
    );
    const roomId = opened.data?.openRoom.id as string;
    const before = await t.db.prisma.roomApplication.count({ where: { roomId } });
    const addingMember = await as(user, d.change, { r: roomId, a: [user.userId] });
    expect([errorCodes(addingMember), addingMember.errors?.[0]?.extensions?.field]).toEqual([
      ['BAD_USER_INPUT'],
      'add',
    ]);
    const removingStranger = await as(user, d.change, { r: roomId, x: [newcomer.userId] });
    expect([errorCodes(removingStranger), removingStranger.errors?.[0]?.extensions?.field]).toEqual([
      ['BAD_USER_INPUT'],
      'remove',
    ]);
    expect(await t.db.prisma.roomApplication.count({ where: { roomId } })).toBe(before);
  });
});
