// Art. 23 through the real gateway: the system administrator suspends,
// deletes and restricts, unused accounts are disabled (directly and by the
// BullMQ job), and sign-in resists guessing. Each power must take effect on
// the very next request of a live session.
import { QueueEvents } from 'bullmq';
import { disableInactiveAccounts as disableInactiveJob } from '../../adapters/jobs/disable-inactive-accounts';
import { japanTime } from '../../lib/japan-calendar';
import { connectRedis } from '../../lib/redis';
import { signInRefusal } from '../../subgraphs/identity/domain/lockout-rules';
import { disableInactiveAccounts } from '../../subgraphs/identity/services/system-admin-service';
import { actorWithRole, type Actor } from '../support/actors';
import { redisUrl } from '../support/environment';
import { errorCodes, graphql } from '../support/graphql-client';
import {
  as,
  auditMark,
  auditSince,
  documents as d,
  expectForbidden,
  facilityInput,
  setPassword,
  signIn,
} from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const day = 24 * 3600 * 1000;
const password = 'Fushiki-Kokubu-2026-Amaharashi';

/** A USER of `facilityId` with a password the test knows, signed in. */
async function userWithPassword(t: TestSystem, facilityId: string): Promise<Actor> {
  const actor = await actorWithRole(t, 'USER', { facilityId });
  await setPassword(t, actor.userId, password);
  return actor;
}

/** The HTTP status and error codes of a request on a session, for compact assertions. */
async function probe(t: TestSystem, actor: Pick<Actor, 'headers'>, query = d.facilities) {
  const response = await graphql(t.graphqlUrl, query, {}, actor.headers);
  return { status: response.status, codes: errorCodes(response) };
}

const works = { status: 200, codes: [] };
const sessionEnded = { status: 401, codes: ['UNAUTHENTICATED'] };

describe('Art. 23 powers through the gateway', () => {
  let t: TestSystem;
  let sa: Actor;
  let fm: Actor;

  // The system's clock: real time, moved on by a test that needs a scheduled instant to pass (and set back after).
  let clockOffsetMs = 0;
  const now = () => new Date(Date.now() + clockOffsetMs);

  beforeAll(async () => {
    t = await startTestSystem({ now });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
  });
  afterAll(() => t?.stop());

  describe('suspension and deletion (Art. 23-3)', () => {
    it('ends a live session on the very next request, refuses sign-in, and audits both', async () => {
      const u = await userWithPassword(t, fm.facilityId);
      expect(await probe(t, u)).toEqual(works);
      const mark = await auditMark(t);

      const suspended = await as(t, sa)(d.suspendUser, { u: u.userId, reason: '守秘義務違反の疑い' });
      expect(suspended.data?.suspendUser).toEqual({ id: u.userId, status: 'SUSPENDED' });
      expect(await probe(t, u)).toEqual(sessionEnded);
      const again = await signIn(t, u.accountId, password);
      expect(errorCodes(again)).toEqual(['UNAUTHENTICATED']);
      expect(again.errors?.[0]?.message).toBe(signInRefusal.en);

      const rows = await auditSince(t, mark);
      expect(rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'account.suspend',
            outcome: 'SUCCESS',
            actorId: sa.userId,
            targetId: u.userId,
          }),
          expect.objectContaining({
            action: 'session.endAll',
            outcome: 'SUCCESS',
            actorId: sa.userId,
            targetId: u.userId,
            details: { reason: 'account.suspend', sessions: 1 },
          }),
          expect.objectContaining({
            action: 'session.signIn',
            outcome: 'FAILURE',
            actorId: u.userId,
            details: { reason: 'account-suspended' },
          }),
        ]),
      );
      const sessions = await t.db.prisma.session.findMany({ where: { userId: u.userId } });
      expect(sessions.map((s) => s.endReason)).toEqual(['account.suspend']);

      // Reinstatement restores sign-in, not the ended session.
      expect(
        (await as(t, sa)(d.reinstateUser, { u: u.userId, reason: '調査の結果問題なし' })).data?.reinstateUser.status,
      ).toBe('ACTIVE');
      expect(await probe(t, u)).toEqual(sessionEnded);
      const back = await signIn(t, u.accountId, password);
      expect(back.errors).toBeUndefined();
      expect(await probe(t, { headers: { authorization: `Bearer ${back.data?.signIn.token}` } })).toEqual(works);
    });

    it('deletes an account ID for good: no sign-in ever, no second delete, no reinstatement', async () => {
      const u = await userWithPassword(t, fm.facilityId);
      const deleted = await as(t, sa)(d.deleteAccount, { u: u.userId, reason: '規約違反' });
      expect(deleted.data?.deleteAccount).toEqual({ id: u.userId, status: 'DELETED' });
      expect(await probe(t, u)).toEqual(sessionEnded);
      expect(errorCodes(await signIn(t, u.accountId, password))).toEqual(['UNAUTHENTICATED']);
      for (const [query, field] of [
        [d.deleteAccount, 'deleteAccount'],
        [d.reinstateUser, 'reinstateUser'],
        [d.suspendUser, 'suspendUser'],
      ] as const) {
        const response = await as(t, sa)(query, { u: u.userId, reason: '再操作' });
        expect({ field, codes: errorCodes(response) }).toEqual({ field, codes: ['ILLEGAL_TRANSITION'] });
      }
      expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: u.userId } })).status).toBe('DELETED');
      // The row stays for the audit trail, but it is no longer listed among the facility's users.
      const listed = await as(t, sa)(d.users, { f: fm.facilityId });
      expect(listed.data?.users.map((x: { id: string }) => x.id)).not.toContain(u.userId);
    });

    it('refuses to suspend an account twice and lets no system admin suspend itself', async () => {
      const u = await userWithPassword(t, fm.facilityId);
      await as(t, sa)(d.suspendUser, { u: u.userId, reason: '調査' });
      expect(errorCodes(await as(t, sa)(d.suspendUser, { u: u.userId, reason: '調査' }))).toEqual([
        'ILLEGAL_TRANSITION',
      ]);
      expect(errorCodes(await as(t, sa)(d.suspendUser, { u: sa.userId, reason: '自分' }))).toEqual(['CONFLICT']);
      expect(await probe(t, sa)).toEqual(works);
    });

    it('refuses suspension to everyone but the system admin', async () => {
      const u = await userWithPassword(t, fm.facilityId);
      await expectForbidden(t, fm, d.suspendUser, { u: u.userId, reason: '規約違反' });
      expect(await probe(t, u)).toEqual(works);
    });
  });

  describe('restricting the system (Art. 23-1)', () => {
    let u: Actor;
    beforeAll(async () => {
      u = await userWithPassword(t, fm.facilityId);
    });
    afterEach(async () => {
      // Whatever a test did, the next one starts unrestricted, at the real time.
      clockOffsetMs = 0;
      await as(t, sa)(d.liftRestriction);
      expect((await as(t, sa)(`{ systemRestriction { id } }`)).data).toEqual({ systemRestriction: null });
    });

    const restrict = async (input: Record<string, unknown>) => {
      const response = await as(t, sa)(d.restrictSystem, { input });
      expect(response.errors).toBeUndefined();
      return response.data?.restrictSystem;
    };

    it('WHOLE_SYSTEM: others get SERVICE_RESTRICTED with the message; the system admin works; sign-in stays open', async () => {
      await restrict({ scope: 'WHOLE_SYSTEM', message: '保守作業中' });
      const refused = await as(t, u)(d.facilities);
      expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['SERVICE_RESTRICTED', '保守作業中'],
      ]);
      // A deliberate, temporary unavailability: 503, not a server fault.
      expect(refused.status).toBe(503);
      expect(refused.data ?? null).toBeNull();
      expect(errorCodes(await as(t, fm)(d.form1, { input: facilityInput() }))).toEqual(['SERVICE_RESTRICTED']);
      expect(await probe(t, sa)).toEqual(works);
      // Anyone can still see why, and sign in (so that an administrator can get in to lift it).
      expect((await as(t, u)(`{ me { user { id } } systemRestriction { scope message } }`)).data).toEqual({
        me: { user: { id: u.userId } },
        systemRestriction: { scope: 'WHOLE_SYSTEM', message: '保守作業中' },
      });
      const signedIn = await signIn(t, u.accountId, password);
      expect(signedIn.errors).toBeUndefined();
      const second = { headers: { authorization: `Bearer ${signedIn.data?.signIn.token}` } };
      expect((await probe(t, second)).codes).toEqual(['SERVICE_RESTRICTED']);

      expect((await as(t, sa)(d.liftRestriction)).data).toEqual({ liftRestriction: true });
      expect(await probe(t, u)).toEqual(works);
      expect(await probe(t, second)).toEqual(works);
    });

    it('WHOLE_SYSTEM: the first system admin signs in, changes its initial password and lifts the restriction', async () => {
      await restrict({ scope: 'WHOLE_SYSTEM', message: '障害対応中' });
      const signedIn = await signIn(t, t.bootstrap.accountId, t.bootstrap.initialPassword);
      expect(signedIn.data?.signIn.mustChangePassword).toBe(true);
      const admin = { authorization: `Bearer ${signedIn.data?.signIn.token}` };
      const changed = await graphql(
        t.graphqlUrl,
        `
          mutation ($c: String!, $n: String!) {
            changePassword(currentPassword: $c, newPassword: $n)
          }
        `,
        { c: t.bootstrap.initialPassword, n: 'Nijo-Tsutsumi-Zuiryuji-7391' },
        admin,
      );
      expect(changed.data).toEqual({ changePassword: true });
      expect((await graphql(t.graphqlUrl, d.liftRestriction, {}, admin)).data).toEqual({ liftRestriction: true });
      expect(await probe(t, u)).toEqual(works);
    });

    it('READ_ONLY: queries work, mutations are refused and write nothing', async () => {
      await restrict({ scope: 'READ_ONLY', message: 'データ移行中のため参照のみ' });
      expect(await probe(t, u)).toEqual(works);
      const before = await t.db.prisma.application.count();
      const refused = await as(t, fm)(d.form1, { input: facilityInput() });
      expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['SERVICE_RESTRICTED', 'データ移行中のため参照のみ'],
      ]);
      expect(await t.db.prisma.application.count()).toBe(before);
      expect((await as(t, sa)(d.form1, { input: facilityInput(), paper: '代表者' })).errors).toBeUndefined();
    });

    it('OPERATIONS: only the named root fields are refused, however they are written', async () => {
      await restrict({
        scope: 'OPERATIONS',
        operations: ['submitFacilityRegistration'],
        message: '施設登録は一時停止中',
      });
      const before = await t.db.prisma.application.count();
      const input = facilityInput();
      const spellings = [
        d.form1,
        `mutation($input: FacilityInput!) { again: submitFacilityRegistration(input: $input) { id } }`,
        `mutation($input: FacilityInput!) { ... on Mutation { submitFacilityRegistration(input: $input) { id } } }`,
        `mutation($input: FacilityInput!) { ...Register } fragment Register on Mutation { submitFacilityRegistration(input: $input) { id } }`,
      ];
      for (const query of spellings) {
        expect({ query, codes: errorCodes(await as(t, fm)(query, { input })) }).toEqual({
          query,
          codes: ['SERVICE_RESTRICTED'],
        });
      }
      expect(await t.db.prisma.application.count()).toBe(before);
      // Other operations go on.
      expect(await probe(t, u)).toEqual(works);
      const change = await as(t, fm)(d.form2, {
        f: fm.facilityId,
        input: { address: '高岡市中川1-1-30', reason: '移転' },
      });
      expect(change.data?.submitFacilityChange.status).toBe('SUBMITTED');
      expect(await probe(t, fm, `{ ... on Query { facilities(first: 1) { items { id } } } }`)).toEqual(works);
    });

    it('a new restriction replaces the current one', async () => {
      await restrict({ scope: 'WHOLE_SYSTEM', message: 'first' });
      await restrict({ scope: 'READ_ONLY', message: 'second' });
      expect(await t.db.prisma.systemRestriction.count({ where: { endedAt: null } })).toBe(1);
      expect(await probe(t, u)).toEqual(works);
    });

    it('an announced end: refused until then, the end given to programs, then no longer in force by itself', async () => {
      const end = new Date(now().getTime() + 20 * 60_000);
      const made = await restrict({
        scope: 'WHOLE_SYSTEM',
        message: 'システム更新のため 20 分間停止します',
        scheduledEndAt: end.toISOString(),
      });
      expect(made?.scheduledEndAt).toBe(end.toISOString());
      // Before the end: refused, with the end as extensions.restrictedUntil and HTTP's Retry-After (seconds).
      const response = await fetch(t.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'ja', ...u.headers },
        body: JSON.stringify({ query: d.facilities }),
      });
      expect(response.status).toBe(503);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(19 * 60);
      expect(retryAfter).toBeLessThanOrEqual(20 * 60);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: unknown }> };
      expect(body.errors).toEqual([
        {
          // People read the end in the message, in Japan time (its format: gateway/restriction-rules.test.ts).
          message: `システム更新のため 20 分間停止します（終了予定：${japanTime(end, 'ja')}）`,
          extensions: { code: 'SERVICE_RESTRICTED', restrictedUntil: end.toISOString() },
        },
      ]);
      expect((await as(t, u)(`{ systemRestriction { scheduledEndAt } }`)).data).toEqual({
        systemRestriction: { scheduledEndAt: end.toISOString() },
      });
      // The end comes: the very next request works, and nobody lifted anything.
      clockOffsetMs += 20 * 60_000;
      expect(await probe(t, u)).toEqual(works);
      expect((await as(t, u)(`{ systemRestriction { id } }`)).data).toEqual({ systemRestriction: null });
      expect((await as(t, sa)(d.liftRestriction)).data).toEqual({ liftRestriction: false });
      // Its record keeps the end it was given: a later restriction does not mark it replaced.
      await restrict({ scope: 'READ_ONLY', message: '参照のみ' });
      expect(await t.db.prisma.systemRestriction.findUniqueOrThrow({ where: { id: made!.id } })).toMatchObject({
        scheduledEndAt: end,
        endedAt: null,
        endedBy: null,
      });
    });

    it('refuses an announced end that is past, too far ahead or not an instant, changing nothing (BAD_USER_INPUT)', async () => {
      const count = await t.db.prisma.systemRestriction.count();
      for (const scheduledEndAt of [
        new Date(now().getTime() - 60_000).toISOString(),
        new Date(now().getTime() + 32 * day).toISOString(),
        '2026-12-24 18:00',
      ]) {
        const refused = await as(t, sa)(d.restrictSystem, {
          input: { scope: 'WHOLE_SYSTEM', message: '保守作業中', scheduledEndAt },
        });
        expect({ scheduledEndAt, errors: refused.errors?.map((e) => e.extensions) }).toEqual({
          scheduledEndAt,
          errors: [{ code: 'BAD_USER_INPUT', field: 'scheduledEndAt' }],
        });
      }
      expect(await t.db.prisma.systemRestriction.count()).toBe(count);
      expect(await probe(t, u)).toEqual(works);
    });

    it.each(['ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'] as const)(
      'refuses restrictSystem to the %s (FORBIDDEN, audited)',
      async (role) => {
        const actor = role === 'FACILITY_MANAGER' ? fm : role === 'USER' ? u : await actorWithRole(t, role);
        await expectForbidden(t, actor, d.restrictSystem, { input: { scope: 'WHOLE_SYSTEM', message: '保守作業中' } });
        expect(await probe(t, u)).toEqual(works);
      },
    );
  });

  describe('lockout', () => {
    it('after 5 wrong passwords refuses even the right one, with the same answer as a wrong password and an unknown account', async () => {
      const u = await userWithPassword(t, fm.facilityId);
      const mark = await auditMark(t);
      const wrong = [];
      for (let i = 0; i < 5; i += 1) wrong.push(await signIn(t, u.accountId, `wrong-${i}`));
      const right = await signIn(t, u.accountId, password);
      const unknown = await signIn(t, 'tk99999999', password);
      const answers = [...wrong, right, unknown].map((r) => ({
        status: r.status,
        data: r.data ?? null,
        errors: r.errors,
      }));
      for (const answer of answers) {
        expect(answer).toEqual({
          status: 200,
          data: null,
          errors: [expect.objectContaining({ message: signInRefusal.en, extensions: { code: 'UNAUTHENTICATED' } })],
        });
        expect(answer.errors).toEqual(answers[0]!.errors);
      }
      const reasons = (await auditSince(t, mark, { action: 'session.signIn' })).map((r) => [
        r.outcome,
        r.actorId,
        (r.details as { reason: string }).reason,
      ]);
      expect(reasons).toEqual([
        ['FAILURE', u.userId, 'wrong-password'],
        ['FAILURE', u.userId, 'wrong-password'],
        ['FAILURE', u.userId, 'wrong-password'],
        ['FAILURE', u.userId, 'wrong-password'],
        ['FAILURE', u.userId, 'wrong-password-now-locked'],
        ['FAILURE', u.userId, 'locked'],
        ['FAILURE', null, 'unknown-account'],
      ]);
      // The live session is not what the lock is about: it keeps working.
      expect(await probe(t, u)).toEqual(works);
      // Once the lock has run out, the right password signs in and the count starts again.
      await t.db.prisma.user.update({ where: { id: u.userId }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      expect((await signIn(t, u.accountId, password)).errors).toBeUndefined();
      expect(await t.db.prisma.user.findUniqueOrThrow({ where: { id: u.userId } })).toMatchObject({
        failedSignIns: 0,
        lockedUntil: null,
      });
    });

    it('counts wrong passwords sent in parallel: none is lost', async () => {
      const u = await userWithPassword(t, fm.facilityId);
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, i) => signIn(t, u.accountId, `parallel-wrong-${i}`)),
      );
      expect(attempts.flatMap((r) => errorCodes(r))).toEqual(Array(8).fill('UNAUTHENTICATED'));
      const stored = await t.db.prisma.user.findUniqueOrThrow({ where: { id: u.userId } });
      expect(stored.lockedUntil).not.toBeNull();
      expect(
        await t.db.prisma.auditEvent.count({
          where: { action: 'session.signIn', outcome: 'FAILURE', actorId: u.userId },
        }),
      ).toBe(8);
      expect(errorCodes(await signIn(t, u.accountId, password))).toEqual(['UNAUTHENTICATED']);
      // Only the attempts before the lock had their password checked; the rest were refused as locked.
      const reasons = (
        await t.db.prisma.auditEvent.findMany({
          where: { action: 'session.signIn', outcome: 'FAILURE', actorId: u.userId },
        })
      ).map((e) => (e.details as { reason: string }).reason);
      expect(reasons.filter((r) => r.startsWith('wrong-password'))).toHaveLength(5);
    });
  });

  describe('disabling unused accounts (Art. 23-2)', () => {
    it('disables an account unused for more than inactivityDays, ends its session, and leaves recent ones', async () => {
      const stale = await userWithPassword(t, fm.facilityId);
      const borderline = await userWithPassword(t, fm.facilityId);
      const recent = await userWithPassword(t, fm.facilityId);
      const lastActiveAt = new Date(Date.now() - 181 * day);
      await t.db.prisma.user.update({ where: { id: stale.userId }, data: { lastActiveAt } });
      const now = new Date(lastActiveAt.getTime() + 181 * day);
      await t.db.prisma.user.update({
        where: { id: borderline.userId },
        data: { lastActiveAt: new Date(now.getTime() - 179 * day) },
      });
      // Issued long ago and never used: counted from issuance.
      const neverUsed = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
      await t.db.prisma.user.update({
        where: { id: neverUsed.userId },
        data: { lastActiveAt: null, createdAt: new Date(now.getTime() - 200 * day) },
      });
      const mark = await auditMark(t);

      const disabled = await disableInactiveAccounts({
        db: t.db.prisma,
        settings: { ...t.settings, inactivityDays: 180 },
        now: () => now,
      });
      expect(disabled).toBe(2);

      const statuses = await t.db.prisma.user.findMany({
        where: { id: { in: [stale.userId, borderline.userId, recent.userId, neverUsed.userId] } },
      });
      expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
        [stale.userId]: 'DISABLED_INACTIVE',
        [neverUsed.userId]: 'DISABLED_INACTIVE',
        [borderline.userId]: 'ACTIVE',
        [recent.userId]: 'ACTIVE',
      });
      expect(await probe(t, stale)).toEqual(sessionEnded);
      expect(await probe(t, neverUsed)).toEqual(sessionEnded);
      expect(await probe(t, recent)).toEqual(works);
      expect(await probe(t, borderline)).toEqual(works);
      expect(errorCodes(await signIn(t, stale.accountId, password))).toEqual(['UNAUTHENTICATED']);
      const rows = await auditSince(t, mark, { targetId: stale.userId });
      expect(rows.map((r) => [r.action, r.outcome])).toEqual(
        expect.arrayContaining([
          ['session.endAll', 'SUCCESS'],
          ['account.disableInactive', 'SUCCESS'],
        ]),
      );

      // Idempotent: a second run finds nothing more.
      expect(
        await disableInactiveAccounts({
          db: t.db.prisma,
          settings: { ...t.settings, inactivityDays: 180 },
          now: () => now,
        }),
      ).toBe(0);
    });

    it('lets the system admin reinstate a disabled account, which the next run leaves alone', async () => {
      const stale = await userWithPassword(t, fm.facilityId);
      await t.db.prisma.user.update({
        where: { id: stale.userId },
        data: { lastActiveAt: new Date(Date.now() - 200 * day) },
      });
      const settings = { ...t.settings, inactivityDays: 180 };
      expect(await disableInactiveAccounts({ db: t.db.prisma, settings, now: () => new Date() })).toBe(1);
      expect(
        (await as(t, sa)(d.reinstateUser, { u: stale.userId, reason: '長期休職からの復帰' })).data?.reinstateUser
          .status,
      ).toBe('ACTIVE');
      // The job runs every few hours: a reinstated account must get its 180 days, not be disabled again at once.
      expect(await disableInactiveAccounts({ db: t.db.prisma, settings, now: () => new Date() })).toBe(0);
      expect((await signIn(t, stale.accountId, password)).errors).toBeUndefined();
    });
  });
});

describe('the disable-inactive-accounts job on BullMQ', () => {
  let t: TestSystem;
  let events: QueueEvents;
  const eventsConnection = connectRedis(redisUrl);

  beforeAll(async () => {
    t = await startTestSystem({ workers: true });
  });
  afterAll(async () => {
    await events?.close();
    eventsConnection.disconnect();
    await t?.stop();
  });

  it('disables a user unused for 200 days, ends its session, and leaves a recent user alone', async () => {
    const queue = t.system.workers?.queues.get(disableInactiveJob.queue);
    if (!queue) throw new Error('the disable-inactive-accounts queue is not running');
    events = new QueueEvents(queue.name, { connection: eventsConnection, prefix: queue.opts.prefix });
    await events.waitUntilReady();

    const fm = await actorWithRole(t, 'FACILITY_MANAGER');
    const stale = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    const recent = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    expect(await probe(t, stale)).toEqual(works);
    await t.db.prisma.user.update({
      where: { id: stale.userId },
      data: { lastActiveAt: new Date(Date.now() - 200 * day) },
    });

    const job = await queue.add('disable-inactive-accounts', {});
    await job.waitUntilFinished(events, 20_000);

    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: stale.userId } })).status).toBe(
      'DISABLED_INACTIVE',
    );
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: recent.userId } })).status).toBe('ACTIVE');
    expect(await probe(t, stale)).toEqual(sessionEnded);
    expect(await probe(t, recent)).toEqual(works);
    expect(
      await t.db.prisma.auditEvent.count({ where: { action: 'account.disableInactive', targetId: stale.userId } }),
    ).toBe(1);
  });
});
