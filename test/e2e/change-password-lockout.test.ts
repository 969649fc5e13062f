// A wrong current password in changePassword counts toward the account
// lockout like a failed sign-in: a stolen session must not be a way to guess
// the password. Real gateway, subgraphs and PostgreSQL.
import { actorWithRole, type Actor } from '../support/actors';
import { graphql, type GraphQLResponse } from '../support/graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';

const password = 'correct horse battery staple'; // test/support/actors.ts
const change = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
const signIn = 'mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }';

let t: TestSystem;
let clock = new Date('2026-03-02T09:00:00Z');

beforeAll(async () => {
  t = await startTestSystem({ now: () => clock, settings: { lockoutRules: { maxFailures: 3, lockMinutes: 15 } } });
}, 60_000);
afterAll(async () => t?.stop());

const changeAs = (actor: Actor, current: string, next: string): Promise<GraphQLResponse> =>
  graphql(t.graphqlUrl, change, { c: current, n: next }, actor.headers);
const counter = (userId: string) =>
  t.db.prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { failedSignIns: true, lockedUntil: true, passwordHash: true },
  });
const reasons = async (userId: string) =>
  (
    await t.db.prisma.auditEvent.findMany({
      where: { action: 'password.change', targetId: userId },
      orderBy: { id: 'asc' },
    })
  ).map((e) => (e.details as { reason?: string } | null)?.reason ?? e.outcome);

it('counts wrong current passwords, locks the account at the threshold and then refuses even the right one', async () => {
  const actor = await actorWithRole(t, 'USER');
  for (let i = 1; i <= 2; i += 1) {
    const wrong = await changeAs(actor, 'not my password', 'a brand new passphrase 1');
    expect(wrong.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    expect((await counter(actor.userId)).failedSignIns).toBe(i);
  }
  const third = await changeAs(actor, 'still not it', 'a brand new passphrase 1');
  expect(third.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
  const locked = await counter(actor.userId);
  expect(locked.failedSignIns).toBe(3);
  expect(locked.lockedUntil?.getTime()).toBe(clock.getTime() + 15 * 60_000);

  // Locked: the right password changes nothing, and sign-in is refused too.
  const right = await changeAs(actor, password, 'a brand new passphrase 1');
  expect(right.errors?.[0]?.extensions).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'currentPassword',
    reason: 'ACCOUNT_LOCKED',
  });
  expect((await counter(actor.userId)).passwordHash).toBe(locked.passwordHash);
  const refusedSignIn = await graphql(t.graphqlUrl, signIn, { a: actor.accountId, p: password });
  expect(refusedSignIn.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(await reasons(actor.userId)).toEqual([
    'wrong-current-password',
    'wrong-current-password',
    'wrong-current-password-now-locked',
    'locked',
  ]);

  // After the lock runs out, the right password works and clears the count.
  clock = new Date(clock.getTime() + 16 * 60_000);
  const changed = await changeAs(actor, password, 'a brand new passphrase 1');
  expect(changed.errors).toBeUndefined();
  expect(changed.data).toEqual({ changePassword: true });
  expect(await counter(actor.userId)).toMatchObject({ failedSignIns: 0, lockedUntil: null });
});

it('shares one count with sign-in: failures on either path add up', async () => {
  const actor = await actorWithRole(t, 'USER');
  await graphql(t.graphqlUrl, signIn, { a: actor.accountId, p: 'wrong at the sign-in screen' });
  await changeAs(actor, 'wrong in the change form', 'a brand new passphrase 2');
  expect((await counter(actor.userId)).failedSignIns).toBe(2);
  await graphql(t.graphqlUrl, signIn, { a: actor.accountId, p: 'wrong again' });
  expect((await counter(actor.userId)).lockedUntil).not.toBeNull();
  const right = await changeAs(actor, password, 'a brand new passphrase 2');
  expect(right.errors?.[0]?.extensions?.reason).toBe('ACCOUNT_LOCKED');
});

it('does not count a right current password when the new one is refused by the policy', async () => {
  const actor = await actorWithRole(t, 'USER');
  await changeAs(actor, 'wrong once', 'a brand new passphrase 3');
  const weak = await changeAs(actor, password, 'short');
  expect(weak.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
  expect(await counter(actor.userId)).toMatchObject({ failedSignIns: 0, lockedUntil: null });
});
