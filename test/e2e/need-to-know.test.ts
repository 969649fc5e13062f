// The refusal matrix of need to know (docs/access-rules.md): for every field
// and mutation that touches a subject in identity, rooms and consent, four
// callers without a care relationship — a user of another facility, a user
// of the carer's own facility once a room has opened without them, a former
// member, and a decider with nothing about the subject routed to it — are
// each refused (FORBIDDEN, or for a search no result at all), the refusal is
// recorded by the subgraph that owns the data, and nothing changes. Each
// subgraph is also called directly with the gateway's token, so each proves
// its own check rather than relying on another's. Positive controls show the
// same queries succeed for those who are related. Workers are off: the care
// relationships are brought up to date with the job's own function.
import { randomUUID } from 'node:crypto';
import { internalTokenHeader, internalTokenSigner } from '../../lib/access/internal-token';
import type { Role, UserPrincipal } from '../../lib/access/principal';
import { actorWithRole, type Actor } from '../support/actors';
import { syncCare, syncDirectory } from '../support/directory-fixtures';
import { errorCodes, graphql } from '../support/graphql-client';
import { syncSharingView } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const q = {
  register: `mutation($k: String!) { registerSubject(input: { name: "試験 花子", nameKana: $k, birthDate: "1938-05-06", address: "高岡市", category: RECEIVING_HOME_SUPPORT }) { id } }`,
  subject: `query($s: ID!) { subject(id: $s) { id name nameKana birthDate address } }`,
  find: `query($k: String!) { findSubjects(nameKana: $k, birthDate: "1938-05-06") { id } }`,
  recordConsent: `mutation($s: ID!) { recordConsent(input: { subjectId: $s, explanation: { explainedOn: "2026-11-01" }, signature: { signedBy: SUBJECT, signedOn: "2026-11-01" }, purposes: [PROVIDE_SERVICES] }) { id } }`,
  withdraw: `mutation($s: ID!) { withdrawConsent(subjectId: $s, reason: "本人の希望") { id } }`,
  recordException: `mutation($s: ID!) { recordLegalException(input: { subjectId: $s, basis: ELDER_ABUSE, decidedBy: "高岡市 長寿福祉課長", reason: "虐待の疑い", reviewOn: "${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}" }) { id } }`,
  endException: `mutation($e: ID!) { endLegalException(id: $e) { id } }`,
  submitOpening: `mutation($s: ID!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: "花子さんの部屋", memberIds: $m) { id } }`,
  confirm: `mutation($id: ID!) { confirmRoomApplication(id: $id) { status } }`,
  approve: `mutation($id: ID!) { approveRoomApplication(id: $id) { status room { id } } }`,
  openRoom: `mutation($s: ID!) { openRoom(input: { subjectId: $s, title: "別の部屋" }) { id } }`,
  removeMember: `mutation($r: ID!, $u: ID!) { removeRoomMember(roomId: $r, userId: $u) { id } }`,
  room: `query($r: ID!) { room(id: $r) { id title subject { name } } }`,
};

/** A kana name no other test uses, so findSubjects can only find this subject. */
function uniqueKana(): string {
  const kana = 'アイウエオカキクケコサシスセソタチツテトナニヌネノ';
  return Array.from({ length: 10 }, () => kana[Math.floor(Math.random() * kana.length)]).join('');
}

describe("need to know: a subject's data only for those who care for them", () => {
  let t: TestSystem;
  let carer: Actor;
  let colleague: Actor;
  let carerManager: Actor;
  let member: Actor;
  let otherFacilityUser: Actor;
  let decider: Actor;
  let deciderOutOfScope: Actor;
  let subjectId: string;
  let roomId: string;
  let exceptionId: string;
  const kana = uniqueKana();
  const roles = new Map<string, Role>();
  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  const ok = async (actor: Actor, query: string, variables: Record<string, unknown> = {}) => {
    const response = await as(actor, query, variables);
    if (response.errors) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(response.errors)}`);
    return response.data as Record<string, any>;
  };
  const sync = async () => {
    await syncCare(t, subjectId);
    await syncSharingView(t, subjectId);
  };

  /** Calls one subgraph straight, with the token the gateway would mint for the actor. */
  async function direct(
    subgraph: 'identity' | 'rooms' | 'consent',
    actor: Actor,
    query: string,
    variables: Record<string, unknown>,
  ) {
    const sign = await internalTokenSigner(t.internalKeys.privateKeyPem);
    const principal: UserPrincipal = {
      kind: 'user',
      userId: actor.userId,
      role: roles.get(actor.userId)!,
      facilityId: actor.facilityId,
      orgUnitId: null,
      sessionId: randomUUID(),
      mustChangePassword: false,
      certificate: null,
      address: null,
    };
    return graphql(`${t.system.subgraphs[subgraph].url}/graphql`, query, variables, {
      [internalTokenHeader]: await sign(principal),
    });
  }

  async function actor(role: Role, facilityId?: string) {
    const a = await actorWithRole(t, role, facilityId ? { facilityId } : {});
    roles.set(a.userId, role);
    return a;
  }

  async function denials(actorId: string) {
    const [identity, rooms, consent] = await Promise.all([
      t.db.prisma.auditEvent.count({ where: { actorId, outcome: 'DENIED' } }),
      t.db.prisma.roomsAccessRecord.count({ where: { actorId, action: 'DENIED' } }),
      t.db.prisma.consentAccessRecord.count({ where: { actorId, action: 'DENIED' } }),
    ]);
    return { identity, rooms, consent };
  }

  async function snapshot() {
    const [consent, exceptions, rooms, members, applications] = await Promise.all([
      t.db.prisma.consentRecord.findMany({
        where: { subjectId },
        orderBy: { recordedAt: 'asc' },
        select: { id: true, state: true },
      }),
      t.db.prisma.legalException.findMany({ where: { subjectId }, select: { id: true, endedAt: true } }),
      t.db.prisma.room.findMany({ where: { subjectId }, select: { id: true, status: true } }),
      t.db.prisma.roomMember.findMany({ where: { roomId }, select: { userId: true, removedAt: true } }),
      t.db.prisma.roomApplication.count({ where: { subjectId } }),
    ]);
    return { consent, exceptions, rooms, members, applications };
  }

  beforeAll(async () => {
    t = await startTestSystem({ workers: false });
    carer = await actor('USER');
    colleague = await actor('USER', carer.facilityId);
    carerManager = await actor('FACILITY_MANAGER', carer.facilityId);
    member = await actor('USER');
    otherFacilityUser = await actor('USER');
    decider = await actor('HOSPITAL_MANAGER');
    deciderOutOfScope = await actor('ADMIN_MANAGER');

    // The carer registers the subject and obtains consent: its facility carries the steps.
    subjectId = (await ok(carer, q.register, { k: kana })).registerSubject.id;
    await syncDirectory(t, { subjectId });
    await sync();
    await ok(carer, q.recordConsent, { s: subjectId });
    await sync();
  });
  afterAll(() => t.stop());

  it('relates the facility carrying the steps, and no one else, before a room opens', async () => {
    expect((await ok(colleague, q.subject, { s: subjectId })).subject.name).toBe('試験 花子');
    expect((await ok(colleague, q.find, { k: kana })).findSubjects).toEqual([{ id: subjectId }]);
    expect(errorCodes(await as(otherFacilityUser, q.subject, { s: subjectId }))).toEqual(['FORBIDDEN']);
    expect((await ok(otherFacilityUser, q.find, { k: kana })).findSubjects).toEqual([]);
    expect(errorCodes(await as(decider, q.subject, { s: subjectId }))).toEqual(['FORBIDDEN']);
  });

  it('relates the deciders while the Form 8 waits for them, and its opener and members once the room opens', async () => {
    const submitted = await ok(carer, q.submitOpening, { s: subjectId, m: [carer.userId, member.userId] });
    await sync();
    await ok(carerManager, q.confirm, { id: submitted.submitRoomOpening.id });
    await sync();
    // A decision waits: every decider may see the subject it is about, to decide.
    expect((await ok(deciderOutOfScope, q.subject, { s: subjectId })).subject.id).toBe(subjectId);
    exceptionId = (await ok(decider, q.recordException, { s: subjectId })).recordLegalException.id;
    const approved = await ok(decider, q.approve, { id: submitted.submitRoomOpening.id });
    roomId = approved.approveRoomApplication.room.id;
    await sync();
    expect((await ok(member, q.room, { r: roomId })).room.subject.name).toBe('試験 花子');
    expect((await ok(decider, q.subject, { s: subjectId })).subject.id).toBe(subjectId);
    // The member leaves: from now on a former member.
    await ok(decider, q.removeMember, { r: roomId, u: member.userId });
    await sync();
  });

  describe.each([
    ['a user of another facility', () => otherFacilityUser],
    ["a user of the carer's facility, not in the room", () => colleague],
    ['a former member', () => member],
    ['a decider with nothing about the subject routed to it', () => deciderOutOfScope],
  ])('%s', (_label, who) => {
    it('is refused every read and write of the subject, each refusal recorded by its owner, nothing changed', async () => {
      const caller = who();
      const before = await snapshot();
      const denied = await denials(caller.userId);

      // identity: the record, through the gateway and straight; a search finds nothing.
      expect(errorCodes(await as(caller, q.subject, { s: subjectId }))).toEqual(['FORBIDDEN']);
      const identityDirect = await direct(
        'identity',
        caller,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { name birthDate } } }`,
        { r: [{ __typename: 'Subject', id: subjectId }] },
      );
      expect(errorCodes(identityDirect)).toEqual(['FORBIDDEN']);
      expect((await ok(caller, q.find, { k: kana })).findSubjects).toEqual([]);

      // consent: its fields straight (the gateway never gets that far), and every consent write.
      const consentDirect = await direct(
        'consent',
        caller,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { consentStatus consentHistory { id } sharingBasis { allowed } legalBases { id } } ... on Room { consentStatus } } }`,
        {
          r: [
            { __typename: 'Subject', id: subjectId },
            { __typename: 'Room', id: roomId, subject: { id: subjectId } },
          ],
        },
      );
      expect(new Set(errorCodes(consentDirect))).toEqual(new Set(['FORBIDDEN']));
      expect(JSON.stringify(consentDirect.data ?? null)).not.toMatch(/GRANTED|WITHDRAWN|CONSENT/);
      expect(errorCodes(await as(caller, q.withdraw, { s: subjectId }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(caller, q.recordConsent, { s: subjectId }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(caller, q.recordException, { s: subjectId }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(caller, q.endException, { e: exceptionId }))).toEqual(['FORBIDDEN']);

      // rooms: the room, a Form 8 and a paper Form 8 for the subject.
      expect(errorCodes(await as(caller, q.room, { r: roomId }))).toEqual(['FORBIDDEN']);
      const roomDirect = await direct(
        'rooms',
        caller,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Room { title } } }`,
        { r: [{ __typename: 'Room', id: roomId }] },
      );
      expect(errorCodes(roomDirect)).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(caller, q.submitOpening, { s: subjectId, m: [caller.userId] }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await as(caller, q.openRoom, { s: subjectId }))).toEqual(['FORBIDDEN']);

      // Nothing changed, and every owner recorded the refusals.
      expect(await snapshot()).toEqual(before);
      const after = await denials(caller.userId);
      expect(after.identity).toBeGreaterThanOrEqual(denied.identity + 2);
      expect(after.consent).toBeGreaterThanOrEqual(denied.consent + 5);
      expect(after.rooms).toBeGreaterThanOrEqual(denied.rooms + 3);
    });
  });

  it('answers an unknown subject exactly as an unrelated one', async () => {
    const unknown = randomUUID();
    const [known, missing] = await Promise.all([
      as(otherFacilityUser, q.subject, { s: subjectId }),
      as(otherFacilityUser, q.subject, { s: unknown }),
    ]);
    expect(missing.errors?.map((e) => [e.message, e.extensions?.code])).toEqual(
      known.errors?.map((e) => [e.message, e.extensions?.code]),
    );
    const [withdrawKnown, withdrawMissing] = await Promise.all([
      as(otherFacilityUser, q.withdraw, { s: subjectId }),
      as(otherFacilityUser, q.withdraw, { s: unknown }),
    ]);
    expect(withdrawMissing.errors?.map((e) => e.message)).toEqual(withdrawKnown.errors?.map((e) => e.message));
  });

  it('shows the system administrator every room but only the subjects it is related to, the rest of the page intact', async () => {
    const admin = await actor('SYSTEM_ADMIN');
    const response = await as(admin, `{ rooms(first: 100) { items { id title subject { id name } } } }`);
    const items = (response.data!.rooms as { items: Array<{ id: string; title: string; subject: unknown }> }).items;
    const index = items.findIndex((room) => room.id === roomId);
    expect(items[index]).toEqual({ id: roomId, title: '花子さんの部屋', subject: null });
    expect(response.errors?.filter((e) => e.path?.[2] === index)).toEqual([
      expect.objectContaining({ path: ['rooms', 'items', index, 'subject'], extensions: { code: 'FORBIDDEN' } }),
    ]);
    expect(JSON.stringify(response)).not.toContain('試験 花子');
  });

  it('still lets the carer (a member) and the room manager act', async () => {
    expect((await ok(carer, q.room, { r: roomId })).room.subject.name).toBe('試験 花子');
    expect((await ok(decider, q.endException, { e: exceptionId })).endLegalException.id).toBe(exceptionId);
    await sync();
    expect((await ok(carer, q.withdraw, { s: subjectId })).withdrawConsent.id).toBeTruthy();
  });
});
