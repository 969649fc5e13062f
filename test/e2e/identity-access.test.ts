// Identity's authorization, workflow and input rules through the real
// gateway (certificates off: these tests are about who may do what, not
// TLS). Every refusal must carry its code, leave a DENIED audit row naming
// the caller when it is an authorization refusal, and change nothing.
import { randomUUID } from 'node:crypto';
import { grantOf, permissionTable, type Operation } from '../../lib/access/permissions';
import { roles, type Role } from '../../lib/access/principal';
import { luhnCheckDigit } from '../../lib/exchange/jp-identifiers';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import {
  as,
  auditMark,
  auditSince,
  daysAgo,
  documents as d,
  expectForbidden,
  expectRefused,
  facilityInput,
  identityState,
  rowCounts,
  submitted,
  userRegistrationInput,
} from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('identity access rules through the gateway', () => {
  let t: TestSystem;
  let sa: Actor;
  let am: Actor;
  let hm: Actor;
  /** The facility manager of facility X (fm.facilityId) and a user of X. */
  let fm: Actor;
  let user: Actor;
  /** The facility manager of another facility. */
  let otherFm: Actor;
  /** A second user of X that Art. 23 operations are tried on. */
  let victim: Actor;
  let byRole: Record<Role, Actor>;
  let pendingForm1: string;
  let pendingForm4: string;
  let certificateId: string;
  let subjectId: string;

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    am = await actorWithRole(t, 'ADMIN_MANAGER');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    otherFm = await actorWithRole(t, 'FACILITY_MANAGER');
    victim = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    byRole = { SYSTEM_ADMIN: sa, ADMIN_MANAGER: am, HOSPITAL_MANAGER: hm, FACILITY_MANAGER: fm, USER: user };
    pendingForm1 = await submitted(as(t, fm)(d.form1, { input: facilityInput() }), 'submitFacilityRegistration');
    pendingForm4 = await submitted(
      as(t, fm)(d.form4, { f: fm.facilityId, input: userRegistrationInput('USER') }),
      'submitUserRegistration',
    );
    const issued = await as(t, sa)(d.issueCertificate, { f: fm.facilityId, label: 'terminal 1' });
    certificateId = issued.data?.issueClientCertificate.certificate.id;
    const subject = await as(t, sa)(d.registerSubject, {
      input: {
        name: '高岡 太郎',
        nameKana: 'タカオカ タロウ',
        birthDate: '1940-04-01',
        category: 'RECEIVING_HOME_SUPPORT',
      },
    });
    subjectId = subject.data?.registerSubject.id;
    expect([certificateId, subjectId]).toEqual([expect.any(String), expect.any(String)]);
  });
  afterAll(() => t?.stop());

  const submitForm1 = (actor: Actor = fm) =>
    submitted(as(t, actor)(d.form1, { input: facilityInput() }), 'submitFacilityRegistration');
  const submitForm4 = (role: Role = 'USER', overrides: Record<string, unknown> = {}, facilityId = fm.facilityId) =>
    submitted(
      as(t, fm)(d.form4, { f: facilityId, input: userRegistrationInput(role, overrides) }),
      'submitUserRegistration',
    );
  const statusOf = async (id: string) => (await t.db.prisma.application.findUniqueOrThrow({ where: { id } })).status;

  describe('forbidden matrix (derived from the permission table)', () => {
    type Call = { query: string; variables: Record<string, unknown> };
    interface Case {
      label: string;
      /** The table rows that decide the operation: a role is denied when none grants it anything. */
      operations: Operation[];
      call: (self: Actor) => Call;
    }
    const cases: Case[] = [
      {
        label: 'submitFacilityRegistration (Form 1)',
        operations: ['facility.submit'],
        call: () => ({ query: d.form1, variables: { input: facilityInput() } }),
      },
      {
        label: 'submitFacilityChange (Form 2) for its own facility',
        operations: ['facility.submit'],
        call: (self) => ({
          query: d.form2,
          variables: { f: self.facilityId, input: { name: '新しい名前', reason: '名称変更' } },
        }),
      },
      {
        label: 'submitFacilityStop (Form 3) for its own facility',
        operations: ['facility.submit'],
        call: (self) => ({ query: d.form3, variables: { f: self.facilityId, reason: '閉院', date: daysAgo(1) } }),
      },
      {
        label: 'submitUserRegistration (Form 4) for its own facility',
        operations: ['user.submit'],
        call: (self) => ({ query: d.form4, variables: { f: self.facilityId, input: userRegistrationInput('USER') } }),
      },
      {
        label: 'submitUserChange (Form 5) for its own facility',
        operations: ['user.submit'],
        call: (self) => ({
          query: d.form5,
          variables: {
            f: self.facilityId,
            input: { userId: self.userId, change: 'CHANGE', eventDate: daysAgo(1), name: '改名', reason: '婚姻' },
          },
        }),
      },
      {
        label: 'forwardApplication (Form 1)',
        operations: ['facility.forward'],
        call: () => ({ query: d.forward, variables: { id: pendingForm1 } }),
      },
      {
        label: 'approveApplication (Form 1)',
        operations: ['facility.decide'],
        call: () => ({ query: d.approve, variables: { id: pendingForm1 } }),
      },
      {
        label: 'rejectApplication (Form 1)',
        operations: ['facility.decide'],
        call: () => ({ query: d.reject, variables: { id: pendingForm1, reason: '不備' } }),
      },
      {
        label: 'forwardApplication (Form 4)',
        operations: ['facility.forward'],
        call: () => ({ query: d.forward, variables: { id: pendingForm4 } }),
      },
      {
        label: 'approveApplication (Form 4)',
        operations: ['user.decide'],
        call: () => ({ query: d.approve, variables: { id: pendingForm4 } }),
      },
      {
        label: 'rejectApplication (Form 4)',
        operations: ['user.decide'],
        call: () => ({ query: d.reject, variables: { id: pendingForm4, reason: '不備' } }),
      },
      {
        label: 'issueClientCertificate for its own facility',
        operations: ['certificate.issue'],
        call: (self) => ({ query: d.issueCertificate, variables: { f: self.facilityId, label: 'own terminal' } }),
      },
      {
        label: 'revokeClientCertificate',
        operations: ['certificate.issue'],
        call: () => ({ query: d.revokeCertificate, variables: { id: certificateId, reason: '紛失' } }),
      },
      {
        label: 'restrictSystem',
        operations: ['system.restrict'],
        call: () => ({
          query: d.restrictSystem,
          variables: { input: { scope: 'WHOLE_SYSTEM', message: '保守作業中' } },
        }),
      },
      {
        label: 'liftRestriction',
        operations: ['system.restrict'],
        call: () => ({ query: d.liftRestriction, variables: {} }),
      },
      {
        label: 'suspendUser',
        operations: ['account.suspend'],
        call: () => ({ query: d.suspendUser, variables: { u: victim.userId, reason: '規約違反' } }),
      },
      {
        label: 'reinstateUser',
        operations: ['account.suspend'],
        call: () => ({ query: d.reinstateUser, variables: { u: victim.userId, reason: '解除' } }),
      },
      {
        label: 'deleteAccount',
        operations: ['account.suspend'],
        call: () => ({ query: d.deleteAccount, variables: { u: victim.userId, reason: '規約違反' } }),
      },
      {
        label: 'registerSubject',
        operations: ['room.submit', 'room.decide'],
        call: () => ({
          query: d.registerSubject,
          variables: {
            input: {
              name: '伏木 一郎',
              nameKana: 'フシキ イチロウ',
              birthDate: '1941-01-01',
              category: 'RECEIVING_HOME_SUPPORT',
            },
          },
        }),
      },
      {
        label: 'subject(id)',
        operations: ['room.submit', 'room.decide'],
        call: () => ({ query: `query($id: ID!) { subject(id: $id) { id } }`, variables: { id: subjectId } }),
      },
      {
        label: 'users(facilityId) of its own facility',
        operations: ['facility.supervise'],
        call: (self) => ({ query: d.users, variables: { f: self.facilityId } }),
      },
      {
        label: 'clientCertificates(facilityId) of its own facility',
        operations: ['facility.supervise', 'certificate.issue'],
        call: (self) => ({ query: d.clientCertificates, variables: { f: self.facilityId } }),
      },
    ];
    const denied = cases.flatMap((c) =>
      roles
        .filter((role) => c.operations.every((op) => grantOf(role, op) === undefined))
        .map((role) => [role, c.label, c] as const),
    );

    it('covers every identity operation of the table and the refusals the regulations name', () => {
      const covered = new Set(cases.flatMap((c) => c.operations));
      for (const op of [
        'facility.submit',
        'facility.forward',
        'facility.decide',
        'user.submit',
        'user.decide',
        'certificate.issue',
        'system.restrict',
        'account.suspend',
        'facility.supervise',
      ] as const) {
        expect(covered).toContain(op);
        expect(Object.keys(permissionTable[op]).length).toBeLessThan(roles.length);
      }
      const pairs = denied.map(([role, label]) => `${role} ${label}`);
      expect(pairs).toEqual(
        expect.arrayContaining([
          'HOSPITAL_MANAGER submitFacilityChange (Form 2) for its own facility',
          'USER submitFacilityChange (Form 2) for its own facility',
          'USER approveApplication (Form 4)',
          'FACILITY_MANAGER approveApplication (Form 4)',
          'HOSPITAL_MANAGER forwardApplication (Form 1)',
          'ADMIN_MANAGER approveApplication (Form 1)',
          'HOSPITAL_MANAGER issueClientCertificate for its own facility',
          'FACILITY_MANAGER issueClientCertificate for its own facility',
          'USER issueClientCertificate for its own facility',
          'ADMIN_MANAGER restrictSystem',
          'FACILITY_MANAGER suspendUser',
          'ADMIN_MANAGER deleteAccount',
          'USER users(facilityId) of its own facility',
        ]),
      );
      // The granted side is not refused wholesale: the system admin decides, the facility manager submits.
      expect(pairs).not.toContain('SYSTEM_ADMIN approveApplication (Form 1)');
      expect(pairs).not.toContain('FACILITY_MANAGER submitFacilityChange (Form 2) for its own facility');
    });

    it.each(denied)('%s may not call %s: FORBIDDEN, audited, nothing changed', async (role, _label, c) => {
      const actor = byRole[role];
      const { query, variables } = c.call(actor);
      await expectForbidden(t, actor, query, variables);
    });

    it.each([
      [
        'submitFacilityChange (Form 2)',
        () => ({ query: d.form2, variables: { f: fm.facilityId, input: { address: '別の住所', reason: '移転' } } }),
      ],
      [
        'submitFacilityStop (Form 3)',
        () => ({ query: d.form3, variables: { f: fm.facilityId, reason: '閉院', date: daysAgo(1) } }),
      ],
      [
        'submitUserRegistration (Form 4)',
        () => ({ query: d.form4, variables: { f: fm.facilityId, input: userRegistrationInput('USER') } }),
      ],
      [
        'submitUserChange (Form 5)',
        () => ({
          query: d.form5,
          variables: {
            f: fm.facilityId,
            input: { userId: user.userId, change: 'RETIRE', eventDate: daysAgo(1), reason: '退職' },
          },
        }),
      ],
      ['users(facilityId)', () => ({ query: d.users, variables: { f: fm.facilityId } })],
      ['clientCertificates(facilityId)', () => ({ query: d.clientCertificates, variables: { f: fm.facilityId } })],
    ])('a facility manager of another facility may not call %s for facility X', async (_label, call) => {
      const { query, variables } = call();
      await expectForbidden(t, otherFm, query, variables);
    });

    it.each(['HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'] as const)(
      'a %s may not record a paper form for someone else',
      async (role) => {
        await expectForbidden(t, byRole[role], d.form1, { input: facilityInput(), paper: '高岡 太郎 (代表者)' });
      },
    );

    it.each(['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'USER'] as const)(
      'a %s may not withdraw the facility manager’s application',
      async (role) => {
        await expectForbidden(t, byRole[role], d.withdraw, { id: pendingForm1 });
      },
    );

    it('a facility manager of another facility may not withdraw it either', async () => {
      await expectForbidden(t, otherFm, d.withdraw, { id: pendingForm1 });
    });

    it.each([
      ['ADMIN_MANAGER', { orgUnitCode: 'kodomo-kosodate' }],
      ['SYSTEM_ADMIN', {}],
      ['HOSPITAL_MANAGER', { orgUnitCode: 'saiseikai-takaoka' }],
    ] as const)(
      'an admin manager may not approve a Form 4 that creates a %s; the system admin may',
      async (role, overrides) => {
        const id = await submitForm4(role, overrides);
        await expectForbidden(t, am, d.approve, { id });
        expect(await statusOf(id)).toBe('SUBMITTED');
        const approved = await as(t, sa)(d.approve, { id });
        expect(approved.errors).toBeUndefined();
        expect(approved.data?.approveApplication.issuedAccount.user).toEqual({
          id: expect.any(String),
          role,
          status: 'ACTIVE',
        });
      },
    );

    it('an admin manager may not approve a Form 5 that grants a manager role', async () => {
      const target = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
      const id = await submitted(
        as(t, fm)(d.form5, {
          f: fm.facilityId,
          input: {
            userId: target.userId,
            change: 'CHANGE',
            eventDate: daysAgo(1),
            role: 'ADMIN_MANAGER',
            orgUnitCode: 'kenko-zoshin',
            reason: '異動',
          },
        }),
        'submitUserChange',
      );
      await expectForbidden(t, am, d.approve, { id });
    });

    it('an admin manager may not approve a Form 5 that demotes or retires the system administrator', async () => {
      // The system admin's own office facility has a facility manager who files Forms 5 for its staff.
      const officeFm = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: sa.facilityId });
      const demote = await submitted(
        as(t, officeFm)(d.form5, {
          f: sa.facilityId,
          input: { userId: sa.userId, change: 'CHANGE', eventDate: daysAgo(1), role: 'USER', reason: '異動' },
        }),
        'submitUserChange',
      );
      await expectForbidden(t, am, d.approve, { id: demote });
      const retire = await submitted(
        as(t, officeFm)(d.form5, {
          f: sa.facilityId,
          input: { userId: sa.userId, change: 'RETIRE', eventDate: daysAgo(1), reason: '退職' },
        }),
        'submitUserChange',
      );
      await expectForbidden(t, am, d.approve, { id: retire });
      expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: sa.userId } })).role).toBe('SYSTEM_ADMIN');
      // Withdraw them so the system admin keeps working for the rest of the file.
      for (const id of [demote, retire])
        expect((await as(t, officeFm)(d.withdraw, { id })).data?.withdrawApplication.status).toBe('WITHDRAWN');
    });
  });

  describe('the granted counterparts succeed', () => {
    it('a facility manager submits Forms 1-5 for its own facility', async () => {
      const f = fm.facilityId;
      const results = [
        await as(t, fm)(d.form1, { input: facilityInput() }),
        await as(t, fm)(d.form2, { f, input: { address: '高岡市末広町1-7', reason: '移転' } }),
        await as(t, fm)(d.form3, { f, reason: '閉院予定', date: daysAgo(0) }),
        await as(t, fm)(d.form4, { f, input: userRegistrationInput('USER') }),
        await as(t, fm)(d.form5, {
          f,
          input: {
            userId: user.userId,
            change: 'CHANGE',
            eventDate: daysAgo(1),
            nameKana: 'エッチュウ タロウ',
            reason: '読み訂正',
          },
        }),
      ];
      expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(results.map((r) => Object.values(r.data!)[0])).toEqual(
        [1, 2, 3, 4, 5].map((form) => expect.objectContaining({ id: expect.any(String), form, status: 'SUBMITTED' })),
      );
      // Leave facility X running: the stop request is withdrawn.
      const stop = (results[2]!.data!.submitFacilityStop as { id: string }).id;
      expect((await as(t, fm)(d.withdraw, { id: stop })).data?.withdrawApplication.status).toBe('WITHDRAWN');
    });

    it('the system and admin managers record paper forms for an applicant', async () => {
      for (const clerk of [sa, am]) {
        const response = await as(t, clerk)(d.form1, { input: facilityInput(), paper: '伏木薬局 代表者 伏木 次郎' });
        expect(response.data?.submitFacilityRegistration).toMatchObject({ form: 1, status: 'SUBMITTED' });
      }
    });

    it('an admin manager forwards a Form 1 and the system admin approves it, registering the facility', async () => {
      const id = await submitForm1();
      const before = await rowCounts(t);
      expect((await as(t, am)(d.forward, { id })).data?.forwardApplication).toEqual({ id, status: 'FORWARDED' });
      const approved = await as(t, sa)(d.approve, { id });
      expect(approved.data?.approveApplication.application).toEqual({
        id,
        status: 'APPLIED',
        copyToSystemAdmin: false,
      });
      expect(await rowCounts(t)).toEqual({ ...before, facility: before.facility + 1 });
    });

    it('an admin manager approves a Form 4, issues the account and copies the decision to the system admin', async () => {
      const id = await submitForm4('USER');
      const approved = await as(t, am)(d.approve, { id });
      expect(approved.errors).toBeUndefined();
      expect(approved.data?.approveApplication).toMatchObject({
        application: { id, status: 'APPLIED', copyToSystemAdmin: true },
        issuedAccount: {
          accountId: expect.any(String),
          initialPassword: expect.any(String),
          user: { role: 'USER', status: 'ACTIVE' },
        },
      });
    });

    it('the system admin rejects, and the submitter withdraws', async () => {
      const rejected = await as(t, sa)(d.reject, { id: await submitForm1(), reason: '所在地の記載がない' });
      expect(rejected.data?.rejectApplication.status).toBe('REJECTED');
      const withdrawn = await as(t, fm)(d.withdraw, { id: await submitForm1() });
      expect(withdrawn.data?.withdrawApplication.status).toBe('WITHDRAWN');
    });

    it('the system admin and admin managers issue and revoke certificates', async () => {
      const issued = await as(t, am)(d.issueCertificate, { f: fm.facilityId, label: 'terminal 2' });
      expect(issued.data?.issueClientCertificate.certificate.facility).toEqual({ id: fm.facilityId });
      const revoked = await as(t, am)(d.revokeCertificate, {
        id: issued.data?.issueClientCertificate.certificate.id,
        reason: '端末廃棄',
      });
      expect(revoked.data?.revokeClientCertificate.revokedAt).toEqual(expect.any(String));
    });

    it('supervisors list users and certificates; users register subjects', async () => {
      for (const actor of [sa, am, fm]) {
        const users = await as(t, actor)(d.users, { f: fm.facilityId });
        expect(users.data?.users.map((u: { id: string }) => u.id)).toEqual(
          expect.arrayContaining([fm.userId, user.userId]),
        );
        expect((await as(t, actor)(d.clientCertificates, { f: fm.facilityId })).errors).toBeUndefined();
      }
      const subject = await as(t, user)(d.registerSubject, {
        input: {
          name: '守山 三郎',
          nameKana: 'もりやま さぶろう',
          birthDate: '1938-05-05',
          category: 'RECEIVING_HOME_SUPPORT',
        },
      });
      expect(subject.errors).toBeUndefined();
    });

    it('the system admin restricts and lifts, suspends, reinstates and deletes', async () => {
      const restricted = await as(t, sa)(d.restrictSystem, {
        input: { scope: 'OPERATIONS', operations: ['noSuchOperation'], message: '一部停止' },
      });
      expect(restricted.data?.restrictSystem).toMatchObject({ scope: 'OPERATIONS', operations: ['noSuchOperation'] });
      expect((await as(t, sa)(d.liftRestriction)).data).toEqual({ liftRestriction: true });
      const target = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
      expect((await as(t, sa)(d.suspendUser, { u: target.userId, reason: '調査' })).data?.suspendUser.status).toBe(
        'SUSPENDED',
      );
      expect(
        (await as(t, sa)(d.reinstateUser, { u: target.userId, reason: '調査終了' })).data?.reinstateUser.status,
      ).toBe('ACTIVE');
      expect(
        (await as(t, sa)(d.deleteAccount, { u: target.userId, reason: '規約違反' })).data?.deleteAccount.status,
      ).toBe('DELETED');
    });
  });

  describe('unauthenticated callers', () => {
    it.each([
      ['facilities', d.facilities, {}],
      ['users', d.users, { f: randomUUID() }],
      ['submitFacilityRegistration', d.form1, { input: facilityInput() }],
      ['suspendUser', d.suspendUser, { u: randomUUID(), reason: 'x' }],
    ])('answers UNAUTHENTICATED for %s without a token', async (_label, query, variables) => {
      const before = await identityState(t);
      const response = await as(t, null)(query, variables);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(await identityState(t)).toEqual(before);
    });

    it('answers me with null without a token', async () => {
      expect((await as(t, null)(`{ me { user { id } } }`)).data).toEqual({ me: null });
    });

    it.each([
      ['a garbage bearer token', 'Bearer garbage'],
      ['a well-formed token that was never issued', `Bearer ${'A'.repeat(43)}`],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
    ])('answers HTTP 401 for %s', async (_label, authorization) => {
      const response = await graphql(t.graphqlUrl, d.facilities, {}, { authorization });
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('the application workflow', () => {
    it('refuses to approve an APPLIED application again (ILLEGAL_TRANSITION) and changes nothing', async () => {
      const id = await submitForm4('USER');
      expect((await as(t, sa)(d.approve, { id })).data?.approveApplication.application.status).toBe('APPLIED');
      await expectRefused(t, sa, d.approve, { id }, 'ILLEGAL_TRANSITION');
      await expectRefused(t, sa, d.reject, { id, reason: '遅すぎる' }, 'ILLEGAL_TRANSITION');
    });

    it('refuses to forward a FORWARDED application again', async () => {
      const id = await submitForm1();
      expect((await as(t, am)(d.forward, { id })).data?.forwardApplication.status).toBe('FORWARDED');
      await expectRefused(t, am, d.forward, { id }, 'ILLEGAL_TRANSITION');
      expect(await statusOf(id)).toBe('FORWARDED');
    });

    it('records a rejection with its reason in the history; then it can no longer be withdrawn', async () => {
      const id = await submitForm1();
      const reason = '利用施設の種別が確認できません';
      const rejected = await as(t, sa)(d.reject, { id, reason });
      expect(rejected.data?.rejectApplication).toEqual({
        id,
        status: 'REJECTED',
        decisionReason: reason,
        steps: [
          { action: 'submit', reason: null, actorRole: 'FACILITY_MANAGER', actor: { id: fm.userId } },
          { action: 'reject', reason, actorRole: 'SYSTEM_ADMIN', actor: { id: sa.userId } },
        ],
      });
      // The submitter sees the same history.
      expect((await as(t, fm)(d.application, { id })).data?.application).toMatchObject({
        status: 'REJECTED',
        decisionReason: reason,
        steps: rejected.data?.rejectApplication.steps,
      });
      await expectRefused(t, fm, d.withdraw, { id }, 'ILLEGAL_TRANSITION');
      await expectRefused(t, sa, d.approve, { id }, 'ILLEGAL_TRANSITION');
    });

    it.each([
      ['an empty reason', { reason: '' }],
      ['a blank reason', { reason: '　 ' }],
      ['a null reason', { reason: null }],
      ['no reason at all', {}],
    ])('refuses a rejection with %s (BAD_USER_INPUT) and changes nothing', async (_label, reason) => {
      const id = await submitForm1();
      await expectRefused(t, sa, d.reject, { id, ...reason }, 'BAD_USER_INPUT');
      expect(await statusOf(id)).toBe('SUBMITTED');
    });

    it('lets the submitter withdraw before a decision, and records it', async () => {
      const id = await submitForm1();
      const withdrawn = await as(t, fm)(d.withdraw, { id });
      expect(withdrawn.data?.withdrawApplication).toEqual({
        id,
        status: 'WITHDRAWN',
        steps: [
          { action: 'submit', actor: { id: fm.userId } },
          { action: 'withdraw', actor: { id: fm.userId } },
        ],
      });
      await expectRefused(t, fm, d.withdraw, { id }, 'ILLEGAL_TRANSITION');
      await expectRefused(t, sa, d.approve, { id }, 'ILLEGAL_TRANSITION');
    });

    it('flags a Form 5 filed later than 14 days after the event (Art. 17-3)', async () => {
      const file = (eventDate: string) =>
        as(t, fm)(d.form5, {
          f: fm.facilityId,
          input: { userId: user.userId, change: 'CHANGE', eventDate, name: '越中 一子', reason: '婚姻による改姓' },
        });
      const late = await file(daysAgo(20));
      const onTime = await file(daysAgo(3));
      expect(late.data?.submitUserChange).toMatchObject({ status: 'SUBMITTED', lateSubmission: true });
      expect(onTime.data?.submitUserChange).toMatchObject({ status: 'SUBMITTED', lateSubmission: false });
      const stored = await as(t, sa)(d.application, { id: late.data?.submitUserChange.id });
      expect(stored.data?.application.lateSubmission).toBe(true);
    });

    it('refuses a second facility manager for a facility (Art. 4-3) on approval, rolling the approval back', async () => {
      const id = await submitForm4('FACILITY_MANAGER');
      await expectRefused(t, sa, d.approve, { id }, 'CONFLICT');
      expect(await statusOf(id)).toBe('SUBMITTED');
      expect(await t.db.prisma.applicationStep.count({ where: { applicationId: id } })).toBe(1);

      const forwarded = await submitForm4('FACILITY_MANAGER');
      expect((await as(t, am)(d.forward, { id: forwarded })).data?.forwardApplication.status).toBe('FORWARDED');
      await expectRefused(t, am, d.approve, { id: forwarded }, 'CONFLICT');
      expect(await statusOf(forwarded)).toBe('FORWARDED');
      expect(await t.db.prisma.user.count({ where: { facilityId: fm.facilityId, role: 'FACILITY_MANAGER' } })).toBe(1);
    });

    it('refuses a Form 5 that makes a second facility manager (Art. 4-3) on approval', async () => {
      const target = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
      const id = await submitted(
        as(t, fm)(d.form5, {
          f: fm.facilityId,
          input: {
            userId: target.userId,
            change: 'CHANGE',
            eventDate: daysAgo(1),
            role: 'FACILITY_MANAGER',
            reason: '管理責任者の交代',
          },
        }),
        'submitUserChange',
      );
      await expectRefused(t, sa, d.approve, { id }, 'CONFLICT');
      expect(await statusOf(id)).toBe('SUBMITTED');
      expect(await t.db.prisma.user.count({ where: { facilityId: fm.facilityId, role: 'FACILITY_MANAGER' } })).toBe(1);
    });

    it('lets only one of two racing facility-manager approvals for a new facility through (Art. 4-3)', async () => {
      const facility = await actorWithRole(t, 'USER');
      const submitFor = (name: string) =>
        submitted(
          as(t, sa)(d.form4, {
            f: facility.facilityId,
            input: userRegistrationInput('FACILITY_MANAGER', { name }),
            paper: '代表者',
          }),
          'submitUserRegistration',
        );
      const first = await submitFor('管理 一郎');
      const second = await submitFor('管理 二郎');
      const results = await Promise.all([as(t, sa)(d.approve, { id: first }), as(t, am)(d.approve, { id: second })]);
      const outcomes = results.map((r) => (r.errors ? r.errors[0]?.extensions?.code : 'OK')).sort();
      expect(outcomes).toEqual(['CONFLICT', 'OK']);
      expect(
        await t.db.prisma.user.count({ where: { facilityId: facility.facilityId, role: 'FACILITY_MANAGER' } }),
      ).toBe(1);
    });

    it('approves the same application exactly once when two approvals race', async () => {
      for (let round = 0; round < 3; round += 1) {
        const id = await submitForm4('USER', { name: `競合 ${round}` });
        const users = await t.db.prisma.user.count();
        const results = await Promise.all([as(t, sa)(d.approve, { id }), as(t, am)(d.approve, { id })]);
        const outcomes = results.map((r) => (r.errors ? r.errors[0]?.extensions?.code : 'OK')).sort();
        expect(outcomes).toHaveLength(2);
        expect(outcomes).toContain('OK');
        expect(['CONFLICT', 'ILLEGAL_TRANSITION']).toContain(outcomes.find((o) => o !== 'OK'));
        expect(await t.db.prisma.user.count()).toBe(users + 1);
        expect(await statusOf(id)).toBe('APPLIED');
        expect(
          (await t.db.prisma.applicationStep.findMany({ where: { applicationId: id } })).map((s) => s.action).sort(),
        ).toEqual(['apply', 'approve', 'submit']);
      }
    });
  });

  describe('bad input', () => {
    const unknownId = '0a921851-8bf2-4d1d-8a04-d58560765d90';
    type Row = [string, () => Actor, string, () => Record<string, unknown>, string, string | undefined];
    const rows: Row[] = [
      ['a malformed application id', () => sa, d.approve, () => ({ id: 'abc' }), 'BAD_USER_INPUT', 'id'],
      [
        'a malformed facility id',
        () => fm,
        d.form2,
        () => ({ f: 'abc', input: { name: 'x', reason: 'y' } }),
        'BAD_USER_INPUT',
        'facilityId',
      ],
      ['a malformed user id', () => sa, d.suspendUser, () => ({ u: 'abc', reason: 'x' }), 'BAD_USER_INPUT', 'userId'],
      [
        'a malformed user id in a Form 5',
        () => fm,
        d.form5,
        () => ({ f: fm.facilityId, input: { userId: 'abc', change: 'RETIRE', eventDate: daysAgo(1), reason: '退職' } }),
        'BAD_USER_INPUT',
        'userId',
      ],
      ['a malformed facility id in a list', () => sa, d.users, () => ({ f: 'abc' }), 'BAD_USER_INPUT', 'facilityId'],
      [
        'an unknown facility (paper Form 2)',
        () => sa,
        d.form2,
        () => ({ f: unknownId, input: { name: 'x', reason: 'y' }, paper: '代表者' }),
        'NOT_FOUND',
        undefined,
      ],
      [
        'an unknown facility (certificate)',
        () => sa,
        d.issueCertificate,
        () => ({ f: unknownId, label: 'x' }),
        'NOT_FOUND',
        undefined,
      ],
      ['an unknown application', () => sa, d.approve, () => ({ id: unknownId }), 'NOT_FOUND', undefined],
      [
        'an unknown user (suspend)',
        () => sa,
        d.suspendUser,
        () => ({ u: unknownId, reason: 'x' }),
        'NOT_FOUND',
        undefined,
      ],
      [
        'an unknown certificate',
        () => sa,
        d.revokeCertificate,
        () => ({ id: unknownId, reason: 'x' }),
        'NOT_FOUND',
        undefined,
      ],
      [
        'an unknown user at its facility (Form 5)',
        () => fm,
        d.form5,
        () => ({
          f: fm.facilityId,
          input: { userId: unknownId, change: 'RETIRE', eventDate: daysAgo(1), reason: '退職' },
        }),
        'NOT_FOUND',
        undefined,
      ],
      [
        'a user of another facility (Form 5)',
        () => fm,
        d.form5,
        () => ({
          f: fm.facilityId,
          input: { userId: otherFm.userId, change: 'RETIRE', eventDate: daysAgo(1), reason: '退職' },
        }),
        'NOT_FOUND',
        undefined,
      ],
      [
        'a facility name of 201 characters',
        () => fm,
        d.form1,
        () => ({ input: facilityInput({ name: 'あ'.repeat(201) }) }),
        'BAD_USER_INPUT',
        'name',
      ],
      [
        'a blank facility name',
        () => fm,
        d.form1,
        () => ({ input: facilityInput({ name: '   ' }) }),
        'BAD_USER_INPUT',
        'name',
      ],
      [
        'a Form 2 reason of 501 characters',
        () => fm,
        d.form2,
        () => ({ f: fm.facilityId, input: { name: 'x', reason: 'あ'.repeat(501) } }),
        'BAD_USER_INPUT',
        'reason',
      ],
      [
        'a Form 2 that changes nothing',
        () => fm,
        d.form2,
        () => ({ f: fm.facilityId, input: { reason: '変更なし' } }),
        'BAD_USER_INPUT',
        undefined,
      ],
      [
        'a rejection reason of 501 characters',
        () => sa,
        d.reject,
        () => ({ id: pendingForm1, reason: 'あ'.repeat(501) }),
        'BAD_USER_INPUT',
        undefined,
      ],
      [
        'a suspension reason of 501 characters',
        () => sa,
        d.suspendUser,
        () => ({ u: victim.userId, reason: 'x'.repeat(501) }),
        'BAD_USER_INPUT',
        undefined,
      ],
      [
        'insideCity: "yes"',
        () => fm,
        d.form1,
        () => ({ input: facilityInput({ insideCity: 'yes' }) }),
        'BAD_USER_INPUT',
        undefined,
      ],
      [
        'an unknown facility kind',
        () => fm,
        d.form1,
        () => ({ input: facilityInput({ kind: 'CASINO' }) }),
        'BAD_USER_INPUT',
        undefined,
      ],
      [
        'an outside-city facility without outsideCityReason',
        () => fm,
        d.form1,
        () => ({ input: facilityInput({ insideCity: false }) }),
        'BAD_USER_INPUT',
        'outsideCityReason',
      ],
      [
        'an impossible Form 3 date',
        () => fm,
        d.form3,
        () => ({ f: fm.facilityId, reason: '閉院', date: '2026-02-30' }),
        'BAD_USER_INPUT',
        undefined,
      ],
      [
        'a kana name that is not kana',
        () => fm,
        d.form4,
        () => ({ f: fm.facilityId, input: userRegistrationInput('USER', { nameKana: 'Hanako Etchu' }) }),
        'BAD_USER_INPUT',
        'nameKana',
      ],
      [
        'a pledge that is not agreed',
        () => fm,
        d.form4,
        () => ({
          f: fm.facilityId,
          input: userRegistrationInput('USER', {
            pledge: { agreed: false, pledgedOn: '2026-11-01', textVersion: '2024-08-01' },
          }),
        }),
        'BAD_USER_INPUT',
        'pledge.agreed',
      ],
      [
        'an unknown pledge text version',
        () => fm,
        d.form4,
        () => ({
          f: fm.facilityId,
          input: userRegistrationInput('USER', {
            pledge: { agreed: true, pledgedOn: '2026-11-01', textVersion: '1999-01-01' },
          }),
        }),
        'BAD_USER_INPUT',
        'pledge.textVersion',
      ],
      [
        'an admin manager without a department',
        () => fm,
        d.form4,
        () => ({ f: fm.facilityId, input: userRegistrationInput('ADMIN_MANAGER') }),
        'BAD_USER_INPUT',
        'orgUnitCode',
      ],
      [
        'a user with a department',
        () => fm,
        d.form4,
        () => ({ f: fm.facilityId, input: userRegistrationInput('USER', { orgUnitCode: 'shakai-fukushi' }) }),
        'BAD_USER_INPUT',
        'orgUnitCode',
      ],
      [
        'an unknown orgUnitCode',
        () => fm,
        d.form4,
        () => ({
          f: fm.facilityId,
          input: userRegistrationInput('ADMIN_MANAGER', { orgUnitCode: 'no-such-department' }),
        }),
        'BAD_USER_INPUT',
        'orgUnitCode',
      ],
      [
        'a hospital code for an admin manager',
        () => fm,
        d.form4,
        () => ({ f: fm.facilityId, input: userRegistrationInput('ADMIN_MANAGER', { orgUnitCode: 'takaoka-shimin' }) }),
        'BAD_USER_INPUT',
        'orgUnitCode',
      ],
      [
        'an unknown orgUnitCode in a Form 5',
        () => fm,
        d.form5,
        () => ({
          f: fm.facilityId,
          input: {
            userId: user.userId,
            change: 'CHANGE',
            eventDate: daysAgo(1),
            role: 'HOSPITAL_MANAGER',
            orgUnitCode: 'no-such-hospital',
            reason: '異動',
          },
        }),
        'BAD_USER_INPUT',
        'orgUnitCode',
      ],
      [
        'a certificate label of 61 characters',
        () => sa,
        d.issueCertificate,
        () => ({ f: fm.facilityId, label: 'x'.repeat(61) }),
        'BAD_USER_INPUT',
        undefined,
      ],
      [
        'a page size over 100',
        () => sa,
        `{ facilities(first: 101) { items { id } } }`,
        () => ({}),
        'BAD_USER_INPUT',
        'first',
      ],
      [
        'an OPERATIONS restriction without operations',
        () => sa,
        d.restrictSystem,
        () => ({ input: { scope: 'OPERATIONS', message: 'x' } }),
        'BAD_USER_INPUT',
        'operations',
      ],
    ];

    it.each(rows)(
      'answers %s with the right code and changes nothing',
      async (_label, actor, query, variables, code, field) => {
        await expectRefused(t, actor(), query, variables(), code, field);
      },
    );

    it('does not reveal or change another facility through a facility manager’s unknown facility id: FORBIDDEN', async () => {
      // Least privilege: a facility that is not its own (even one that does not exist) is refused before it is looked up.
      await expectForbidden(t, fm, d.form2, { f: unknownId, input: { name: 'x', reason: 'y' } });
    });

    it('answers an unknown facility with null, not an error', async () => {
      expect((await as(t, sa)(`query($id: ID!) { facility(id: $id) { id } }`, { id: unknownId })).data).toEqual({
        facility: null,
      });
    });
  });

  describe('a facility that has stopped using the network (Form 3 approved)', () => {
    let stoppedFacilityId: string;
    beforeAll(async () => {
      // A facility of its own, stopped as an approved Form 3 leaves it.
      stoppedFacilityId = (await actorWithRole(t, 'FACILITY_MANAGER')).facilityId;
      await t.db.prisma.facility.update({ where: { id: stoppedFacilityId }, data: { status: 'STOPPED' } });
    });

    it('takes no further application, not even on paper (CONFLICT, nothing written)', async () => {
      const response = await expectRefused(
        t,
        sa,
        d.form2,
        { f: stoppedFacilityId, input: { name: 'x', reason: 'y' }, paper: '代表者' },
        'CONFLICT',
      );
      expect(response.errors?.[0]?.message).toContain('stopped using the network');
    });

    it('gets no terminal certificate (CONFLICT, nothing issued)', async () => {
      const response = await expectRefused(t, sa, d.issueCertificate, { f: stoppedFacilityId, label: 'x' }, 'CONFLICT');
      expect(response.errors?.[0]?.message).toContain('No certificate is issued to a stopped facility');
    });
  });

  describe('Japanese facility codes (Forms 1-2, issue 17 part 5)', () => {
    /** A fresh valid medical institution code: 富山 (16), 医科 (1), six random digits and the Luhn check digit. */
    const medicalCode = () => {
      const body = `161${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
      return `${body}${luhnCheckDigit(body)}`;
    };
    const careNumber = () => `16${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const codesOf = (id: string) =>
      t.db.prisma.facility.findUniqueOrThrow({
        where: { id },
        select: { medicalInstitutionCode: true, careProviderNumber: true },
      });
    const register = async (input: Record<string, unknown>) => {
      const id = await submitted(
        as(t, sa)(d.form1, { input: facilityInput(input), paper: '代表者' }),
        'submitFacilityRegistration',
      );
      const approved = await as(t, sa)(d.approve, { id });
      expect(approved.errors).toBeUndefined();
      return (await t.db.prisma.application.findUniqueOrThrow({ where: { id } })).resultId as string;
    };

    it('records both codes from a paper Form 1 and shows them on Facility', async () => {
      const codes = { medicalInstitutionCode: medicalCode(), careProviderNumber: careNumber() };
      const facilityId = await register(codes);
      const shown = await as(t, sa)(
        `query($id: ID!) { facility(id: $id) { id medicalInstitutionCode careProviderNumber } }`,
        { id: facilityId },
      );
      expect(shown.data?.facility).toEqual({ id: facilityId, ...codes });
    });

    it('refuses a bad code with BAD_USER_INPUT naming the field, storing nothing', async () => {
      for (const [field, value] of [
        ['medicalInstitutionCode', '0110113718'],
        ['medicalInstitutionCode', '01101137'],
        ['medicalInstitutionCode', '4810113714'],
        ['careProviderNumber', '1670１00001'],
        ['careProviderNumber', '0070100001'],
      ] as const) {
        await expectRefused(t, sa, d.form1, { input: facilityInput({ [field]: value }) }, 'BAD_USER_INPUT', field);
        await expectRefused(
          t,
          fm,
          d.form2,
          { f: fm.facilityId, input: { [field]: value, reason: '訂正' } },
          'BAD_USER_INPUT',
          field,
        );
      }
    });

    it('keeps each code to one facility: CONFLICT at filing, and at approval after a race', async () => {
      const code = medicalCode();
      const holder = await register({ medicalInstitutionCode: code });
      await expectRefused(
        t,
        sa,
        d.form1,
        { input: facilityInput({ medicalInstitutionCode: code }), paper: '代表者' },
        'CONFLICT',
        'medicalInstitutionCode',
      );
      await expectRefused(
        t,
        fm,
        d.form2,
        { f: fm.facilityId, input: { medicalInstitutionCode: code, reason: '訂正' } },
        'CONFLICT',
        'medicalInstitutionCode',
      );
      // The holder itself may re-state its code; a Form 2 may remove it (null).
      const restate = await submitted(
        as(t, sa)(d.form2, { f: holder, input: { medicalInstitutionCode: code, reason: '確認' }, paper: '代表者' }),
        'submitFacilityChange',
      );
      expect((await as(t, sa)(d.approve, { id: restate })).errors).toBeUndefined();
      // Two pending forms for one new number: the second approval is refused and changes nothing.
      const number = careNumber();
      const [first, second] = [
        await submitted(
          as(t, sa)(d.form1, { input: facilityInput({ careProviderNumber: number }), paper: '代表者' }),
          'submitFacilityRegistration',
        ),
        await submitted(
          as(t, sa)(d.form2, { f: holder, input: { careProviderNumber: number, reason: '指定' }, paper: '代表者' }),
          'submitFacilityChange',
        ),
      ];
      expect((await as(t, sa)(d.approve, { id: first })).errors).toBeUndefined();
      await expectRefused(t, sa, d.approve, { id: second }, 'CONFLICT', 'careProviderNumber');
      expect(await codesOf(holder)).toEqual({ medicalInstitutionCode: code, careProviderNumber: null });
      const removal = await submitted(
        as(t, sa)(d.form2, { f: holder, input: { medicalInstitutionCode: null, reason: '廃止' }, paper: '代表者' }),
        'submitFacilityChange',
      );
      expect((await as(t, sa)(d.approve, { id: removal })).errors).toBeUndefined();
      expect(await codesOf(holder)).toEqual({ medicalInstitutionCode: null, careProviderNumber: null });
    });
  });

  describe('the audit trail', () => {
    it('is append-only: UPDATE, DELETE and TRUNCATE fail and leave the rows as they were', async () => {
      const rows = await t.db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
      expect(rows.length).toBeGreaterThan(10);
      await expect(t.db.prisma.$executeRawUnsafe(`UPDATE identity.audit_event SET outcome = 'X'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(
        t.db.prisma.$executeRawUnsafe(`UPDATE identity.audit_event SET outcome = 'X' WHERE id = ${rows[0]!.id}`),
      ).rejects.toThrow(/append-only/);
      await expect(t.db.prisma.$executeRawUnsafe(`DELETE FROM identity.audit_event`)).rejects.toThrow(/append-only/);
      await expect(t.db.prisma.$executeRawUnsafe(`TRUNCATE identity.audit_event`)).rejects.toThrow(/append-only/);
      expect(
        await t.db.prisma.auditEvent.findMany({
          where: { id: { lte: rows[rows.length - 1]!.id } },
          orderBy: { id: 'asc' },
        }),
      ).toEqual(rows);
    });

    it('is one unbroken hash chain after everything above, verified through the graph by the system admin only', async () => {
      const verify = '{ verifyIdentityAuditChain { ok records brokenAt reason } }';
      await expectRefused(t, user, verify, {}, 'FORBIDDEN');
      const held = await t.db.prisma.auditEvent.count();
      const result = await as(t, sa)(verify, {});
      expect(result.errors).toBeUndefined();
      // Everything this file's requests recorded, concurrently and in transactions, links up.
      expect(result.data).toEqual({
        verifyIdentityAuditChain: { ok: true, records: expect.any(Number), brokenAt: null, reason: null },
      });
      const { records } = (result.data as { verifyIdentityAuditChain: { records: number } }).verifyIdentityAuditChain;
      expect(records).toBeGreaterThanOrEqual(held);
      expect(held).toBeGreaterThan(10);
      const last = await t.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
      expect(last).toMatchObject({ action: 'audit.verifyChain', outcome: 'SUCCESS', actorId: sa.userId });
    });

    it('records who was denied what, from where', async () => {
      const mark = await auditMark(t);
      await as(t, user)(d.suspendUser, { u: victim.userId, reason: 'x' });
      expect(await auditSince(t, mark)).toEqual([
        expect.objectContaining({
          action: 'account.suspend',
          outcome: 'DENIED',
          actorId: user.userId,
          actorRole: 'USER',
          targetType: 'User',
          targetId: victim.userId,
          address: expect.any(String),
        }),
      ]);
    });
  });
});
