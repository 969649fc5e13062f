// Art. 22 through the gateway: a user reports an anomaly, the facility
// manager forwards it, the system admin investigates and responds; others
// cannot act on it or even see it.
import { actorWithRole, type Actor } from '../support/actors';
import { as, expectForbidden } from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const report = `mutation($input: FaultInput!) { reportFault(input: $input) { id status facility { id } reportedBy { id } } }`;
const forward = `mutation($id: ID!, $note: String) { forwardFault(id: $id, note: $note) { id status } }`;
const investigate = `mutation($id: ID!) { investigateFault(id: $id) { id status } }`;
const resolve = `mutation($id: ID!, $response: String!) { resolveFault(id: $id, response: $response) { id status response steps { status actorRole note } } }`;
const list = `{ faultReports { id status } }`;
const input = {
  occurredAt: '2026-11-25T09:30:00+09:00',
  summary: '画面が表示されない',
  details: '部屋のタイムラインが読み込み中のまま止まる',
};

describe('fault reports (Art. 22)', () => {
  let t: TestSystem;
  let sa: Actor;
  let fm: Actor;
  let user: Actor;
  let otherFm: Actor;
  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    otherFm = await actorWithRole(t, 'FACILITY_MANAGER');
  });
  afterAll(() => t.stop());

  it('walks user -> facility manager -> system admin, keeping the history', async () => {
    const reported = await as(t, user)(report, { input });
    expect(reported.errors).toBeUndefined();
    const fault = reported.data?.reportFault;
    expect(fault).toMatchObject({
      status: 'REPORTED',
      facility: { id: fm.facilityId },
      reportedBy: { id: user.userId },
    });

    // A manager of another facility does not even learn the report exists.
    expect((await as(t, otherFm)(forward, { id: fault.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The reporter sees it but may not forward it.
    await expectForbidden(t, user, forward, { id: fault.id });
    expect((await as(t, sa)(investigate, { id: fault.id })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await as(t, fm)(forward, { id: fault.id, note: '確認済み' })).data?.forwardFault.status).toBe('FORWARDED');
    expect((await as(t, sa)(investigate, { id: fault.id })).data?.investigateFault.status).toBe('INVESTIGATING');
    expect((await as(t, fm)(resolve, { id: fault.id, response: 'x' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const resolved = await as(t, sa)(resolve, { id: fault.id, response: 'ブラウザの更新で解消。原因はキャッシュ。' });
    expect(resolved.data?.resolveFault).toMatchObject({
      status: 'RESOLVED',
      response: 'ブラウザの更新で解消。原因はキャッシュ。',
      steps: [
        { status: 'REPORTED', actorRole: 'USER', note: null },
        { status: 'FORWARDED', actorRole: 'FACILITY_MANAGER', note: '確認済み' },
        { status: 'INVESTIGATING', actorRole: 'SYSTEM_ADMIN', note: null },
        { status: 'RESOLVED', actorRole: 'SYSTEM_ADMIN', note: 'ブラウザの更新で解消。原因はキャッシュ。' },
      ],
    });
    expect(
      await t.db.prisma.auditEvent.count({
        where: { targetId: fault.id, outcome: 'SUCCESS', action: { startsWith: 'fault.' } },
      }),
    ).toBe(4);
  });

  it('shows reports to the reporter, its facility manager and the system admin only', async () => {
    const fault = (await as(t, user)(report, { input })).data?.reportFault;
    const seen = async (actor: Actor) =>
      ((await as(t, actor)(list, {})).data!.faultReports as Array<{ id: string }>).some((f) => f.id === fault.id);
    expect([await seen(user), await seen(fm), await seen(sa), await seen(otherFm)]).toEqual([true, true, true, false]);
  });

  it('starts a facility manager own report as forwarded', async () => {
    expect((await as(t, fm)(report, { input })).data?.reportFault.status).toBe('FORWARDED');
  });

  it.each([
    ['an empty summary', { ...input, summary: ' ' }, 'summary'],
    ['oversized details', { ...input, details: 'x'.repeat(5001) }, 'details'],
    ['a time in the future', { ...input, occurredAt: '2999-01-01T00:00:00Z' }, 'occurredAt'],
    ['a time that is not a date-time', { ...input, occurredAt: 'yesterday' }, 'occurredAt'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_label, bad, field) => {
    const before = await t.db.prisma.faultReport.count();
    const response = await as(t, user)(report, { input: bad });
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await t.db.prisma.faultReport.count()).toBe(before);
  });

  it('requires a response to resolve', async () => {
    const fault = (await as(t, fm)(report, { input })).data?.reportFault;
    const response = await as(t, sa)(resolve, { id: fault.id, response: '  ' });
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'response' });
  });
});
