// Forms 6 and 7, withdrawal and the Art. 19 exceptions through the gateway:
// what is stored, who may, the access records each read and write leaves,
// and that every bad input is refused with its field and changes nothing.
import { randomUUID } from 'node:crypto';
import { errorCodes, graphql } from '../support/graphql-client';
import { eventually } from '../support/eventually';
import { registeredSubject, syncCare } from '../support/directory-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { actorWithRole, type Actor } from '../support/actors';
import { todayInJapan } from '../../subgraphs/consent/domain/calendar';
import { createConsentContext, type ConsentDb } from '../../subgraphs/consent/context';
import { resolvers } from '../../subgraphs/consent/resolvers';

const recordConsent = `mutation($input: ConsentInput!) {
  recordConsent(input: $input) {
    id state recordedBy purposes scanReference withdrawalReason
    explanation { explainedBy explainedOn }
    signature { signedBy signerName relationship signedOn }
    subject { id consentStatus sharingBasis { allowed basis } }
  }
}`;
const withdrawConsent = `mutation($id: ID!, $reason: String!) { withdrawConsent(subjectId: $id, reason: $reason) { state withdrawalReason purposes subject { consentStatus consentHistory { state } sharingBasis { allowed basis } } } }`;
const recordException = `mutation($input: LegalExceptionInput!) {
  recordLegalException(input: $input) { id basis decidedBy reason reviewOn recordedBy endedAt subject { legalBases { id basis } sharingBasis { allowed basis } } }
}`;
const endException = `mutation($id: ID!) { endLegalException(id: $id) { id endedAt subject { legalBases { id } sharingBasis { allowed basis } } } }`;

const daysFromToday = (days: number) => {
  const date = new Date(`${todayInJapan(new Date())}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

const consentInput = (subjectId: string, overrides: Record<string, unknown> = {}) => ({
  subjectId,
  explanation: { explainedOn: '2025-04-01' },
  signature: { signedBy: 'FAMILY', signerName: '高岡 一郎', relationship: '長男', signedOn: '2025-04-02' },
  purposes: ['SERVICE_STAFF_MEETINGS', 'PROVIDE_SERVICES', 'COORDINATE_PROVIDERS'],
  scanReference: 'scan://form7/2025/0001',
  ...overrides,
});

const exceptionInput = (subjectId: string, overrides: Record<string, unknown> = {}) => ({
  subjectId,
  basis: 'ELDER_ABUSE',
  decidedBy: '長寿福祉課長 高岡 次郎',
  reason: '同居家族による虐待の疑い。地域包括支援センターからの通報。',
  reviewOn: daysFromToday(30),
  ...overrides,
});

describe('consent: Forms 6 and 7, withdrawal and legal exceptions', () => {
  let t: TestSystem;
  let admin: Actor;
  let user: Actor;
  let hospital: Actor;
  let facilityManager: Actor;
  let userManager: Actor;
  beforeAll(async () => {
    t = await startTestSystem();
    [admin, user, hospital, facilityManager] = [
      await actorWithRole(t, 'SYSTEM_ADMIN'),
      await actorWithRole(t, 'USER'),
      await actorWithRole(t, 'HOSPITAL_MANAGER'),
      await actorWithRole(t, 'FACILITY_MANAGER'),
    ];
    userManager = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId });
  });
  afterAll(() => t.stop());

  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  const accessRecords = (subjectId: string) =>
    t.db.prisma.consentAccessRecord.findMany({
      where: { subjectId },
      orderBy: { seq: 'asc' },
      select: { actorId: true, actorRole: true, action: true, what: true, outcome: true },
    });
  /** Need to know: a Form 8 the user asks for, confirmed by its facility manager, waits for the deciders, who are then related to the subject. */
  const routeToDeciders = async (subjectId: string) => {
    const submitted = await as(
      user,
      `mutation($s: ID!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: "部屋", memberIds: $m) { id } }`,
      { s: subjectId, m: [user.userId] },
    );
    expect(submitted.errors).toBeUndefined();
    expect(
      (
        await as(userManager, `mutation($id: ID!) { confirmRoomApplication(id: $id) { status } }`, {
          id: submitted.data?.submitRoomOpening.id,
        })
      ).errors,
    ).toBeUndefined();
    await syncCare(t, subjectId);
  };
  const counts = async () => [
    await t.db.prisma.consentRecord.count(),
    await t.db.prisma.legalException.count(),
    await t.db.prisma.consentAccessRecord.count(),
  ];

  it('records Form 6 (explained by the caller) and Form 7 (who signed, relationship, dates, purposes, scan)', async () => {
    const subjectId = await registeredSubject(t, undefined, user);
    const response = await as(user, recordConsent, { input: consentInput(subjectId) });
    expect(response.errors).toBeUndefined();
    expect(response.data?.recordConsent).toEqual({
      id: expect.any(String),
      state: 'GRANTED',
      recordedBy: user.userId,
      purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS', 'SERVICE_STAFF_MEETINGS'],
      scanReference: 'scan://form7/2025/0001',
      withdrawalReason: null,
      explanation: { explainedBy: user.userId, explainedOn: '2025-04-01' },
      signature: { signedBy: 'FAMILY', signerName: '高岡 一郎', relationship: '長男', signedOn: '2025-04-02' },
      subject: { id: subjectId, consentStatus: 'GRANTED', sharingBasis: { allowed: true, basis: 'CONSENT' } },
    });
    expect(await accessRecords(subjectId)).toEqual([
      { actorId: user.userId, actorRole: 'USER', action: 'WRITE', what: 'recordConsent', outcome: 'OK' },
      { actorId: user.userId, actorRole: 'USER', action: 'READ', what: 'consentStatus', outcome: 'OK' },
      { actorId: user.userId, actorRole: 'USER', action: 'READ', what: 'sharingBasis', outcome: 'OK' },
    ]);
  });

  it('accepts the subject signing without a relationship, dated today', async () => {
    const today = todayInJapan(new Date());
    const response = await as(user, recordConsent, {
      input: consentInput(await registeredSubject(t, undefined, user), {
        explanation: { explainedOn: today },
        signature: { signedBy: 'SUBJECT', signedOn: today },
        scanReference: null,
      }),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.recordConsent.signature).toEqual({
      signedBy: 'SUBJECT',
      signerName: null,
      relationship: null,
      signedOn: today,
    });
  });

  it('withdraws consent with a reason: the history keeps both entries and sharing stops', async () => {
    const subjectId = await registeredSubject(t, undefined, user);
    await as(user, recordConsent, { input: consentInput(subjectId) });
    const response = await as(user, withdrawConsent, { id: subjectId, reason: '本人の申出により撤回' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.withdrawConsent).toEqual({
      state: 'WITHDRAWN',
      withdrawalReason: '本人の申出により撤回',
      purposes: [],
      subject: {
        consentStatus: 'WITHDRAWN',
        consentHistory: [{ state: 'WITHDRAWN' }, { state: 'GRANTED' }],
        sharingBasis: { allowed: false, basis: null },
      },
    });
  });

  it('reads consent data for many subjects with one query per kind of data and appends their READ records in one transaction', async () => {
    const subjects: string[] = [];
    for (let i = 0; i < 5; i += 1) subjects.push(await registeredSubject(t, undefined, user));
    for (const id of subjects) await as(user, recordConsent, { input: consentInput(id) });
    // The real database, with the calls our batch loaders make counted.
    const calls: string[] = [];
    const count = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get: (object, key) => {
          const value = Reflect.get(object, key);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(`${name}.${String(key)}`);
            return value.apply(object, args);
          };
        },
      });
    const prisma = t.db.prisma;
    const counted = count('db', prisma);
    const db = {
      consentRecord: count('consentRecord', prisma.consentRecord),
      legalException: count('legalException', prisma.legalException),
      consentAccessRecord: prisma.consentAccessRecord,
      $transaction: counted.$transaction,
      $queryRaw: counted.$queryRaw,
    } as unknown as ConsentDb;
    const principal = {
      kind: 'user',
      userId: user.userId,
      role: 'USER',
      facilityId: user.facilityId,
      orgUnitId: null,
      sessionId: randomUUID(),
      mustChangePassword: false,
      certificate: null,
      address: null,
    } as const;
    const ctx = createConsentContext(db, principal);
    // The recorder's own READs of each recordConsent above are in the chain already; count from here.
    const lastSeq = (
      await prisma.consentAccessRecord.findFirstOrThrow({ orderBy: { seq: 'desc' }, select: { seq: true } })
    ).seq;
    const [statuses, bases] = await Promise.all([
      Promise.all(subjects.map((id) => resolvers.Subject.consentStatus({ id }, {}, ctx))),
      Promise.all(subjects.map((id) => resolvers.Subject.sharingBasis({ id }, {}, ctx))),
    ]);
    expect(statuses).toEqual(subjects.map(() => 'GRANTED'));
    expect(bases).toEqual(subjects.map(() => ({ allowed: true, basis: 'CONSENT', validThrough: null })));
    // One query for the care relationships of all five subjects too.
    expect(calls.sort()).toEqual([
      'consentRecord.findMany',
      'db.$queryRaw',
      'db.$transaction',
      'legalException.findMany',
    ]);
    const reads = await prisma.consentAccessRecord.findMany({
      where: { subjectId: { in: subjects }, action: 'READ', actorId: user.userId, seq: { gt: lastSeq } },
    });
    expect(reads).toHaveLength(subjects.length * 2);
    expect(new Set(reads.map((r) => r.at.getTime())).size).toBe(1);
  });

  it('records a legal exception decided by the city: it is listed and becomes the sharing basis until it ends', async () => {
    const subjectId = await registeredSubject(t, undefined, user);
    await routeToDeciders(subjectId);
    const recorded = await as(hospital, recordException, { input: exceptionInput(subjectId) });
    expect(recorded.errors).toBeUndefined();
    const exception = recorded.data?.recordLegalException;
    expect(exception).toEqual({
      id: expect.any(String),
      basis: 'ELDER_ABUSE',
      decidedBy: '長寿福祉課長 高岡 次郎',
      reason: expect.stringContaining('虐待'),
      reviewOn: daysFromToday(30),
      recordedBy: hospital.userId,
      endedAt: null,
      subject: {
        legalBases: [{ id: exception.id, basis: 'ELDER_ABUSE' }],
        sharingBasis: { allowed: true, basis: 'ELDER_ABUSE' },
      },
    });

    // A second active exception on the same basis would blur which decision is in force.
    expect(errorCodes(await as(hospital, recordException, { input: exceptionInput(subjectId) }))).toEqual(['CONFLICT']);

    const ended = await as(hospital, endException, { id: exception.id });
    expect(ended.errors).toBeUndefined();
    expect(ended.data?.endLegalException).toEqual({
      id: exception.id,
      endedAt: expect.any(String),
      subject: { legalBases: [], sharingBasis: { allowed: false, basis: null } },
    });

    const before = await counts();
    const again = await as(hospital, endException, { id: exception.id });
    expect(errorCodes(again)).toEqual(['ILLEGAL_TRANSITION']);
    expect(await counts()).toEqual(before);
    expect(
      (await t.db.prisma.legalException.findUniqueOrThrow({ where: { id: exception.id } })).endedAt?.toISOString(),
    ).toBe(ended.data?.endLegalException.endedAt);

    expect(
      (await accessRecords(subjectId)).filter((r) => r.action === 'WRITE').map((r) => [r.what, r.actorRole]),
    ).toEqual([
      ['recordLegalException', 'HOSPITAL_MANAGER'],
      ['endLegalException', 'HOSPITAL_MANAGER'],
    ]);
  });

  it('refuses ending an exception that does not exist as it refuses an unrelated one (FORBIDDEN), without saying which', async () => {
    expect(errorCodes(await as(admin, endException, { id: randomUUID() }))).toEqual(['FORBIDDEN']);
  });

  describe('who may', () => {
    it('refuses consent to a facility manager (neither submits nor decides rooms), records DENIED, writes nothing else', async () => {
      const subjectId = await registeredSubject(t);
      const before = await t.db.prisma.consentRecord.count();
      expect(errorCodes(await as(facilityManager, recordConsent, { input: consentInput(subjectId) }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await as(facilityManager, withdrawConsent, { id: subjectId, reason: 'x' }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(await t.db.prisma.consentRecord.count()).toBe(before);
      expect(await accessRecords(subjectId)).toEqual([
        {
          actorId: facilityManager.userId,
          actorRole: 'FACILITY_MANAGER',
          action: 'DENIED',
          what: 'recordConsent',
          outcome: 'FORBIDDEN',
        },
        {
          actorId: facilityManager.userId,
          actorRole: 'FACILITY_MANAGER',
          action: 'DENIED',
          what: 'withdrawConsent',
          outcome: 'FORBIDDEN',
        },
      ]);
    });

    it('lets only room deciders record exceptions and read them; users see only the sharing basis', async () => {
      const subjectId = await registeredSubject(t, undefined, user);
      await routeToDeciders(subjectId);
      const before = await t.db.prisma.legalException.count();
      expect(errorCodes(await as(user, recordException, { input: exceptionInput(subjectId) }))).toEqual(['FORBIDDEN']);
      expect(await t.db.prisma.legalException.count()).toBe(before);

      await as(admin, recordException, { input: exceptionInput(subjectId, { basis: 'CHILD_REQUIRING_PROTECTION' }) });
      const read = await as(
        user,
        `mutation($input: ConsentInput!) { recordConsent(input: $input) { subject { sharingBasis { basis } legalBases { reason } } } }`,
        {
          input: consentInput(subjectId),
        },
      );
      // The consent is recorded; only the exceptions field is refused.
      expect(read.data).toBeNull();
      expect(errorCodes(read)).toEqual(['FORBIDDEN']);
      // The refused field nulls the whole answer; the READ of its sibling (checked after a care look-up) is
      // appended a moment later, so wait for all four, in whatever order the two last came.
      const userRecords = await eventually(
        async () => (await accessRecords(subjectId)).filter((r) => r.actorId === user.userId),
        (records) => records.length >= 4,
      );
      const byWhat = (a: { what: string }, b: { what: string }) => a.what.localeCompare(b.what);
      expect([...userRecords].sort(byWhat)).toEqual([
        { actorId: user.userId, actorRole: 'USER', action: 'DENIED', what: 'legalBases', outcome: 'FORBIDDEN' },
        { actorId: user.userId, actorRole: 'USER', action: 'WRITE', what: 'recordConsent', outcome: 'OK' },
        {
          actorId: user.userId,
          actorRole: 'USER',
          action: 'DENIED',
          what: 'recordLegalException',
          outcome: 'FORBIDDEN',
        },
        { actorId: user.userId, actorRole: 'USER', action: 'READ', what: 'sharingBasis', outcome: 'OK' },
      ]);
    });

    it('refuses verifyConsentAccessChain to anyone but the system admin, and records the refusal', async () => {
      for (const actor of [user, hospital])
        expect(errorCodes(await as(actor, '{ verifyConsentAccessChain { ok } }'))).toEqual(['FORBIDDEN']);
      const denied = await t.db.prisma.consentAccessRecord.findMany({
        where: { what: 'verifyConsentAccessChain', action: 'DENIED' },
      });
      expect(denied.map((r) => r.actorRole).sort()).toEqual(['HOSPITAL_MANAGER', 'USER']);
      const verified = await as(admin, '{ verifyConsentAccessChain { ok records brokenAt reason } }');
      expect(verified.data?.verifyConsentAccessChain).toEqual({
        ok: true,
        records: expect.any(Number),
        brokenAt: null,
        reason: null,
      });
    });
  });

  describe('bad input: BAD_USER_INPUT naming the field, and nothing changes', () => {
    const subjectId = '0a921851-8bf2-4d1d-8a04-d58560765d90';
    const family = (signature: Record<string, unknown>) => ({
      signature: {
        signedBy: 'FAMILY',
        signerName: '高岡 一郎',
        relationship: '長男',
        signedOn: '2025-04-02',
        ...signature,
      },
    });
    it.each([
      ['empty purposes', recordConsent, { input: consentInput(subjectId, { purposes: [] }) }, 'purposes'],
      [
        'a family signer without a relationship',
        recordConsent,
        { input: consentInput(subjectId, family({ relationship: null })) },
        'signature.relationship',
      ],
      [
        'a family signer with a blank relationship',
        recordConsent,
        { input: consentInput(subjectId, family({ relationship: '  ' })) },
        'signature.relationship',
      ],
      [
        'a family signer without a name',
        recordConsent,
        { input: consentInput(subjectId, family({ signerName: null })) },
        'signature.signerName',
      ],
      [
        'a signature in the future',
        recordConsent,
        { input: consentInput(subjectId, family({ signedOn: daysFromToday(1) })) },
        'signature.signedOn',
      ],
      [
        'a signature before the explanation',
        recordConsent,
        { input: consentInput(subjectId, family({ signedOn: '2025-03-31' })) },
        'signature.signedOn',
      ],
      [
        'an explanation in the future',
        recordConsent,
        { input: consentInput(subjectId, { explanation: { explainedOn: daysFromToday(1) } }) },
        'explanation.explainedOn',
      ],
      [
        'an impossible date',
        recordConsent,
        { input: consentInput(subjectId, { explanation: { explainedOn: '2025-02-30' } }) },
        'explanation.explainedOn',
      ],
      [
        'an oversized scan reference',
        recordConsent,
        { input: consentInput(subjectId, { scanReference: 'x'.repeat(201) }) },
        'scanReference',
      ],
      [
        'an oversized signer name',
        recordConsent,
        { input: consentInput(subjectId, family({ signerName: 'x'.repeat(101) })) },
        'signature.signerName',
      ],
      ['a malformed subject id', recordConsent, { input: consentInput('subject-1') }, 'subjectId'],
      ['a malformed id to withdraw', withdrawConsent, { id: 'subject-1', reason: 'r' }, 'subjectId'],
      ['an empty withdrawal reason', withdrawConsent, { id: subjectId, reason: ' ' }, 'reason'],
      ['an oversized withdrawal reason', withdrawConsent, { id: subjectId, reason: 'x'.repeat(501) }, 'reason'],
      [
        'a review date in the past',
        recordException,
        { input: exceptionInput(subjectId, { reviewOn: daysFromToday(-1) }) },
        'reviewOn',
      ],
      [
        'a review date today',
        recordException,
        { input: exceptionInput(subjectId, { reviewOn: daysFromToday(0) }) },
        'reviewOn',
      ],
      [
        'a review date more than a year ahead',
        recordException,
        { input: exceptionInput(subjectId, { reviewOn: daysFromToday(400) }) },
        'reviewOn',
      ],
      [
        'an oversized reason',
        recordException,
        { input: exceptionInput(subjectId, { reason: 'x'.repeat(1001) }) },
        'reason',
      ],
      ['an empty decider', recordException, { input: exceptionInput(subjectId, { decidedBy: '' }) }, 'decidedBy'],
      ['a malformed exception id', endException, { id: 'exception-1' }, 'id'],
    ])('%s', async (_label, mutation, variables, field) => {
      const before = await counts();
      const response = await as(admin, mutation, variables);
      expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(await counts()).toEqual(before);
    });

    it.each([
      [
        'an unknown purpose',
        recordConsent,
        { input: consentInput(subjectId, { purposes: ['MARKETING'] }) },
        /purposes/,
      ],
      [
        'an unknown signatory',
        recordConsent,
        { input: consentInput(subjectId, { signature: { signedBy: 'NEIGHBOUR', signedOn: '2025-04-02' } }) },
        /signedBy/,
      ],
      [
        'an unknown legal basis',
        recordException,
        { input: exceptionInput(subjectId, { basis: 'CURIOSITY' }) },
        /basis/,
      ],
    ])(
      '%s is refused by the gateway before any subgraph, naming the path',
      async (_label, mutation, variables, path) => {
        const before = await counts();
        const response = await as(admin, mutation, variables);
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.errors?.[0]?.message).toMatch(path);
        expect(await counts()).toEqual(before);
      },
    );

    it('refuses consent and exceptions for a subject identity does not hold as for an unrelated one (FORBIDDEN), writing nothing', async () => {
      const unknown = randomUUID();
      const before = await counts();
      expect(errorCodes(await as(user, recordConsent, { input: consentInput(unknown) }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await as(admin, recordException, { input: exceptionInput(unknown) }))).toEqual(['FORBIDDEN']);
      // Nothing written but the two refusals' DENIED records.
      const [consents, exceptions, records] = before;
      expect(await counts()).toEqual([consents, exceptions, records! + 2]);
    });

    it('answers CONFLICT when withdrawing consent that is not granted, and changes nothing', async () => {
      const id = await registeredSubject(t, undefined, user);
      const before = await counts();
      expect(errorCodes(await as(user, withdrawConsent, { id, reason: '撤回' }))).toEqual(['CONFLICT']);
      expect(await counts()).toEqual(before);
      await as(user, recordConsent, { input: consentInput(id) });
      await as(user, withdrawConsent, { id, reason: '撤回' });
      const afterWithdrawal = await counts();
      expect(errorCodes(await as(user, withdrawConsent, { id, reason: '撤回' }))).toEqual(['CONFLICT']);
      expect(await counts()).toEqual(afterWithdrawal);
    });
  });
});
