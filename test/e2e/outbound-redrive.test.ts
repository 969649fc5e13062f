// Delivery after Redis lost its data (Art. 20-3): the outbox only guarantees
// the hand-over to Redis, so outbound join requests that should have a send
// or poll job but have been quiet for longer than any retry or poll wait get
// their job again through rooms' outbox, unless a dead letter waits for a
// person. The rows are written directly into rooms' own tables in the state
// a lost job would leave behind; the re-drive job runs with a real database.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { exchangeRedrive } from '../../adapters/jobs/exchange-redrive';
import type { DepsWith, JobNeed } from '../../adapters/job-definition';
import { defaultPartnerCallTimings } from '../../adapters/partner/partner-calls';
import { membershipsToSync } from '../../subgraphs/rooms/exchange/services/external-membership-exchange';
import { silentLogger } from '../support/silent-logger';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('re-driving outbound joins whose jobs were lost', () => {
  let t: TestSystem;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
  const job = { id: 'redrive-test' } as Job;
  const deps = () =>
    ({
      outbound: t.db.prisma,
      partnerCalls: { ...defaultPartnerCallTimings, trustedCaPems: [], exchange: t.system.exchange },
      logger: silentLogger,
    }) as unknown as DepsWith<JobNeed>;

  async function request(state: {
    status: 'APPROVED' | 'REJECTED';
    exchangeStatus: 'NOT_SENT' | 'RECEIVED' | 'ACCEPTED' | 'COMPLETED';
    quietHours: number;
  }) {
    const id = randomUUID();
    await t.db.prisma.outboundJoinRequest.create({
      data: {
        id,
        partnerId: randomUUID(),
        shareCode: state.exchangeStatus === 'NOT_SENT' ? 'code' : null,
        reason: '訪問診療で関わるため',
        facilityId: randomUUID(),
        requestedBy: randomUUID(),
        status: state.status,
        exchangeStatus: state.exchangeStatus,
        partnerTaskId: state.exchangeStatus === 'NOT_SENT' ? null : randomUUID(),
      },
    });
    // @updatedAt is set by Prisma on writes: put the quiet period in place with SQL.
    await t.db.prisma
      .$executeRaw`UPDATE rooms.outbound_join_request SET updated_at = ${hoursAgo(state.quietHours)} WHERE id = ${id}::uuid`;
    return id;
  }
  const events = (requestId: string) =>
    t.db.prisma.roomsOutboxEvent.findMany({
      where: { payload: { path: ['requestId'], equals: requestId } },
      select: { type: true },
    });

  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(() => t.stop());

  it('re-drives the send of a quiet approved request and the poll of a quiet sent one, once per quiet period', async () => {
    const notSent = await request({ status: 'APPROVED', exchangeStatus: 'NOT_SENT', quietHours: 8 });
    const sent = await request({ status: 'APPROVED', exchangeStatus: 'ACCEPTED', quietHours: 8 });
    await exchangeRedrive.process({}, job, deps());
    expect(await events(notSent)).toEqual([{ type: 'outbound-join.approved' }]);
    expect(await events(sent)).toEqual([{ type: 'outbound-join.sent' }]);
    expect(
      (
        await t.db.prisma.outboundJoinStep.findMany({
          where: { requestId: { in: [notSent, sent] } },
          select: { requestId: true, action: true, actorRole: true },
        })
      ).sort((a, b) => a.action.localeCompare(b.action)),
    ).toEqual([
      { requestId: sent, action: 'poll-redriven', actorRole: 'SYSTEM' },
      { requestId: notSent, action: 'send-redriven', actorRole: 'SYSTEM' },
    ]);
    // The re-drive counts as activity: running again at once changes nothing.
    await exchangeRedrive.process({}, job, deps());
    expect(await events(notSent)).toHaveLength(1);
    expect(await events(sent)).toHaveLength(1);
  });

  it('leaves alone what is recent, final, not approved, or waiting as a dead letter', async () => {
    const recent = await request({ status: 'APPROVED', exchangeStatus: 'RECEIVED', quietHours: 1 });
    const final = await request({ status: 'APPROVED', exchangeStatus: 'COMPLETED', quietHours: 48 });
    const rejected = await request({ status: 'REJECTED', exchangeStatus: 'NOT_SENT', quietHours: 48 });
    const lettered = await request({ status: 'APPROVED', exchangeStatus: 'NOT_SENT', quietHours: 48 });
    await t.db.prisma.exchangeDeadLetter.create({
      data: {
        id: randomUUID(),
        queue: 'outbound-join-send',
        jobId: randomUUID(),
        jobName: 'outbound-join.approved',
        payload: { requestId: lettered },
        attempts: 12,
        errorCode: 'TIMEOUT',
        errorSummary: 'the partner did not answer',
      },
    });
    await exchangeRedrive.process({}, job, deps());
    for (const id of [recent, final, rejected, lettered]) expect(await events(id)).toEqual([]);
  });

  it('syncs partners in turn: memberships taken are marked as tried, so one partner that is down cannot fill every batch', async () => {
    const down = randomUUID();
    const up = randomUUID();
    const membership = (partnerId: string) => ({
      id: randomUUID(),
      requestId: randomUUID(),
      partnerId,
      userId: randomUUID(),
      facilityId: randomUUID(),
      careTeamId: randomUUID(),
      roomStatus: 'active',
    });
    const rows = [membership(down), membership(down), membership(up)];
    await t.db.prisma.externalMembership.createMany({ data: rows });
    const ours = (list: Array<{ id: string }>) => list.map((m) => m.id).filter((id) => rows.some((r) => r.id === id));
    const before = new Date(Date.now() - 60_000);
    // The down partner's two come first (never tried, ordered by id or not): whatever the first batch took, the second takes the rest.
    const first = ours(await membershipsToSync(t.db.prisma, before, 2));
    const second = ours(await membershipsToSync(t.db.prisma, before, 2));
    expect(new Set([...first, ...second])).toEqual(new Set(rows.map((r) => r.id)));
    expect(first.filter((id) => second.includes(id))).toEqual([]);
    expect(
      (await t.db.prisma.externalMembership.findMany({ where: { id: { in: rows.map((r) => r.id) } } })).every(
        (m) => m.syncTriedAt !== null && m.lastSyncedAt === null,
      ),
    ).toBe(true);
  });
});
