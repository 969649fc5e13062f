// Password resets (a forgotten password, reset on the facility manager's
// request), the system admin's view of copied decisions, and the audit
// trail query.
import { actorWithRole, type Actor } from '../support/actors';
import {
  as,
  documents as d,
  expectForbidden,
  signIn,
  submitted,
  userRegistrationInput,
} from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const resetPassword = `mutation($u: ID!, $reason: String!) { resetPassword(userId: $u, reason: $reason) { user { id } initialPassword } }`;

describe('identity support operations', () => {
  let t: TestSystem;
  let sa: Actor;
  let am: Actor;
  let fm: Actor;
  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    am = await actorWithRole(t, 'ADMIN_MANAGER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
  });
  afterAll(() => t.stop());

  it('resets a forgotten password: one-time password, sessions ended, lock cleared, first sign-in must change it', async () => {
    const user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    await t.db.prisma.user.update({
      where: { id: user.userId },
      data: { failedSignIns: 5, lockedUntil: new Date(Date.now() + 60_000) },
    });
    const reset = await as(t, am)(resetPassword, { u: user.userId, reason: '本人からの申し出 (施設管理責任者経由)' });
    expect(reset.errors).toBeUndefined();
    const initialPassword = reset.data?.resetPassword.initialPassword as string;
    expect(initialPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    // The old session ended at once.
    expect((await as(t, user)(d.facilities, {})).status).toBe(401);
    const signedIn = await signIn(t, user.accountId, initialPassword);
    expect(signedIn.data?.signIn.mustChangePassword).toBe(true);
    const audit = await t.db.prisma.auditEvent.findFirst({
      where: { action: 'password.reset', targetId: user.userId },
    });
    expect(audit).toMatchObject({ outcome: 'SUCCESS', actorId: am.userId });
    expect(JSON.stringify(audit?.details)).not.toContain(initialPassword);
  });

  it('refuses resets by facility managers and users, and an admin manager resetting a manager', async () => {
    const user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    await expectForbidden(t, fm, resetPassword, { u: user.userId, reason: 'x' });
    await expectForbidden(t, user, resetPassword, { u: fm.userId, reason: 'x' });
    const otherManager = await actorWithRole(t, 'HOSPITAL_MANAGER');
    await expectForbidden(t, am, resetPassword, { u: otherManager.userId, reason: 'x' });
    expect((await as(t, sa)(resetPassword, { u: otherManager.userId, reason: '再発行' })).errors).toBeUndefined();
  });

  it('shows the system admin the decisions copied to it', async () => {
    const id = await submitted(
      as(t, fm)(d.form4, { f: fm.facilityId, input: userRegistrationInput('USER') }),
      'submitUserRegistration',
    );
    expect((await as(t, am)(d.approve, { id })).errors).toBeUndefined();
    const copies = await as(t, sa)(
      `{ applications(copiedToSystemAdmin: true) { items { id copyToSystemAdmin } } }`,
      {},
    );
    expect(copies.data?.applications.items).toContainEqual({ id, copyToSystemAdmin: true });
    expect(copies.data?.applications.items.every((a: { copyToSystemAdmin: boolean }) => a.copyToSystemAdmin)).toBe(
      true,
    );
  });

  it('lets the system admin page through the audit trail, and nobody else', async () => {
    const query = `query($after: String, $actor: ID) { auditEvents(first: 2, after: $after, actorId: $actor) { items { id action outcome actor { id } certificate } nextCursor } }`;
    const first = await as(t, sa)(query, { actor: am.userId });
    expect(first.errors).toBeUndefined();
    const page1 = first.data?.auditEvents;
    expect(page1.items).toHaveLength(2);
    expect(page1.items.every((e: { actor: { id: string } }) => e.actor.id === am.userId)).toBe(true);
    const second = await as(t, sa)(query, { actor: am.userId, after: page1.nextCursor });
    const ids = [...page1.items, ...second.data!.auditEvents.items].map((e: { id: string }) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
    const bad = await as(t, sa)(query, { after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    await expectForbidden(t, am, query, {});
    // Reading the trail is itself on the trail.
    expect(
      await t.db.prisma.auditEvent.count({ where: { action: 'audit.read', actorId: sa.userId } }),
    ).toBeGreaterThanOrEqual(2);
  });
});
