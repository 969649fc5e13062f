// The inbox's count fields through the gateway: every waiting item is
// counted (the lists stop at 100 or 200), each count sees exactly what the
// matching list lets the caller see, the roles the lists refuse are refused
// the counts too, and counting partners' requests leaves no access record
// (a count names no room) while listing them does.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { as } from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const many = 230;

describe('counts of what waits (the console inbox)', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let fm: Actor;
  let user: Actor;
  let otherFm: Actor;
  let hmRoomId: string;

  beforeAll(async () => {
    t = await startTestSystem();
    // One at a time: actorWithRole numbers its accounts as it goes.
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    otherFm = await actorWithRole(t, 'FACILITY_MANAGER');
    user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    const db = t.db.prisma;
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
    // More than any list returns: `many` forwarded room applications (130 of fm's facility), 7 submitted there.
    await db.roomApplication.createMany({
      data: Array.from({ length: many }, (_, n) => ({
        id: randomUUID(),
        form: 8,
        status: 'FORWARDED' as const,
        facilityId: n < 130 ? fm.facilityId : otherFm.facilityId,
        subjectId: randomUUID(),
        content: { title: `部屋 ${n}` },
        submittedBy: n < 130 ? user.userId : otherFm.userId,
        submittedAt: minutesAgo(n),
      })),
    });
    await db.roomApplication.createMany({
      data: Array.from({ length: 7 }, (_, n) => ({
        id: randomUUID(),
        form: 8,
        status: 'SUBMITTED' as const,
        facilityId: fm.facilityId,
        subjectId: randomUUID(),
        content: { title: `申請中 ${n}` },
        submittedBy: user.userId,
      })),
    });
    await db.application.createMany({
      data: Array.from({ length: 120 }, (_, n) => ({
        id: randomUUID(),
        form: 4,
        status: n < 105 ? ('SUBMITTED' as const) : ('FORWARDED' as const),
        facilityId: fm.facilityId,
        content: { name: `利用者 ${n}` },
        submittedBy: fm.userId,
        submittedAt: minutesAgo(n),
      })),
    });
    await db.existenceCheck.createMany({
      data: Array.from({ length: 12 }, (_, n) => ({
        id: randomUUID(),
        requestedBy: user.userId,
        facilityId: fm.facilityId,
        nameKana: 'トイアワセ ハナコ',
        birthDate: new Date('1940-04-01'),
        status: n < 9 ? ('AT_FACILITY_MANAGER' as const) : ('AT_SYSTEM_ADMIN' as const),
      })),
    });
    // The hospital manager's room has 3 pending partners' requests; 2 more wait on a room of someone else.
    hmRoomId = randomUUID();
    const otherRoomId = randomUUID();
    await db.room.createMany({
      data: [
        { id: hmRoomId, subjectId: randomUUID(), title: '在宅療養の部屋', openedBy: hm.userId, openedAt: new Date() },
        { id: otherRoomId, subjectId: randomUUID(), title: '別の部屋', openedBy: sa.userId, openedAt: new Date() },
      ],
    });
    await db.inboundJoinRequest.createMany({
      data: Array.from({ length: 5 }, (_, n) => ({
        id: randomUUID(),
        correlationId: randomUUID(),
        roomId: n < 3 ? hmRoomId : otherRoomId,
        partnerId: randomUUID(),
        shareCodeId: randomUUID(),
        taskIdentifier: `task-${n}`,
        practitionerSystem: 'https://partner.example/sid/user',
        practitionerValue: `p${n}`,
        practitionerName: '連携 医師',
        organizationName: '連携先病院',
        reason: '往診の調整',
      })),
    });
    await db.outboundJoinRequest.createMany({
      data: Array.from({ length: 4 }, (_, n) => ({
        id: randomUUID(),
        partnerId: randomUUID(),
        reason: '訪問看護の連携',
        facilityId: fm.facilityId,
        requestedBy: user.userId,
        status: n < 3 ? ('SUBMITTED' as const) : ('FORWARDED' as const),
      })),
    });
    await db.faultReport.createMany({
      data: Array.from({ length: 6 }, (_, n) => ({
        id: randomUUID(),
        facilityId: fm.facilityId,
        reportedBy: user.userId,
        occurredAt: new Date(),
        summary: '表示されない',
        details: 'タイムラインが止まる',
        status: n < 4 ? ('REPORTED' as const) : ('FORWARDED' as const),
      })),
    });
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
    await db.legalException.createMany({
      data: [
        { reviewOn: inDays(3) },
        { reviewOn: inDays(20) },
        { reviewOn: inDays(60) },
        { reviewOn: inDays(5), endedAt: new Date() },
      ].map((row) => ({
        id: randomUUID(),
        subjectId: randomUUID(),
        basis: 'ELDER_ABUSE' as const,
        decidedBy: '高岡市',
        reason: '緊急の支援',
        recordedBy: hm.userId,
        ...row,
      })),
    });
  });
  afterAll(() => t.stop());

  const count = async (actor: Actor, query: string, variables: Record<string, unknown> = {}) => {
    const answer = await as(t, actor)(query, variables);
    expect(answer.errors).toBeUndefined();
    return answer.data as Record<string, number>;
  };

  it('counts every waiting item where the lists stop at their cap', async () => {
    const forwarded = await count(
      sa,
      '{ n: roomApplicationCount(status: FORWARDED) list: roomApplications(status: FORWARDED) { id } }',
    );
    expect(forwarded.n).toBe(many);
    expect((forwarded as unknown as { list: unknown[] }).list).toHaveLength(200);
    const applications = await count(
      sa,
      '{ s: applicationCount(status: SUBMITTED) f: applicationCount(status: FORWARDED) all: applicationCount }',
    );
    // The system admin sees every application, the template network's first ones too.
    const inDatabase = (status?: 'SUBMITTED' | 'FORWARDED') =>
      t.db.prisma.application.count({ where: status ? { status } : {} });
    expect(applications).toEqual({
      s: await inDatabase('SUBMITTED'),
      f: await inDatabase('FORWARDED'),
      all: await inDatabase(),
    });
    expect(applications.s).toBeGreaterThanOrEqual(105);
  });

  it('sees through each count what the matching list shows the caller, no more', async () => {
    // A facility manager: its own facility's applications only.
    expect((await count(fm, '{ n: roomApplicationCount(status: FORWARDED) }')).n).toBe(130);
    expect((await count(fm, '{ n: roomApplicationCount(status: SUBMITTED) }')).n).toBe(7);
    expect((await count(otherFm, '{ n: roomApplicationCount(status: SUBMITTED) }')).n).toBe(0);
    expect((await count(fm, '{ n: existenceCheckCount(status: AT_FACILITY_MANAGER) }')).n).toBe(9);
    expect((await count(otherFm, '{ n: existenceCheckCount(status: AT_FACILITY_MANAGER) }')).n).toBe(0);
    expect((await count(sa, '{ n: existenceCheckCount(status: AT_SYSTEM_ADMIN) }')).n).toBe(3);
    expect((await count(fm, '{ n: outboundJoinRequestCount(status: SUBMITTED) }')).n).toBe(3);
    expect((await count(sa, '{ n: outboundJoinRequestCount(status: FORWARDED) }')).n).toBe(1);
    expect((await count(otherFm, '{ n: outboundJoinRequestCount(status: SUBMITTED) }')).n).toBe(0);
    expect((await count(fm, '{ n: faultReportCount(status: REPORTED) }')).n).toBe(4);
    expect((await count(otherFm, '{ n: faultReportCount(status: REPORTED) }')).n).toBe(0);
    expect((await count(sa, '{ n: faultReportCount(status: FORWARDED) }')).n).toBe(2);
    // A user counts its own: the forwarded Form 8s it submitted, and no one else's.
    expect((await count(user, '{ n: roomApplicationCount(status: FORWARDED) }')).n).toBe(130);
    expect((await count(user, '{ n: applicationCount }')).n).toBe(0);
    // Partners' requests: the hospital manager's own rooms; the system admin every room.
    expect((await count(hm, '{ n: inboundJoinRequestCount(status: PENDING) }')).n).toBe(3);
    expect((await count(sa, '{ n: inboundJoinRequestCount(status: PENDING) }')).n).toBe(5);
    // Legal exceptions in force due within 30 days (one is further off, one has ended).
    expect((await count(hm, '{ n: legalExceptionReviewCount }')).n).toBe(2);
    expect((await count(hm, '{ n: legalExceptionReviewCount(withinDays: 90) }')).n).toBe(3);
  });

  it('refuses a count to the roles its list refuses, and an out-of-range window', async () => {
    for (const [actor, query] of [
      [user, '{ inboundJoinRequestCount(status: PENDING) }'],
      [fm, '{ exchangeDeadLetterCount }'],
      [user, '{ legalExceptionReviewCount }'],
    ] as const) {
      const refused = await as(t, actor)(query);
      expect({ query, code: refused.errors?.[0]?.extensions?.code, data: refused.data }).toEqual({
        query,
        code: 'FORBIDDEN',
        data: null,
      });
    }
    const tooFar = await as(t, hm)('{ legalExceptionReviewCount(withinDays: 400) }');
    expect(tooFar.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await count(sa, '{ n: exchangeDeadLetterCount }')).n).toBe(0);
  });

  it('leaves no access record for a count of partners’ requests, where the list records each room shown', async () => {
    const records = () => t.db.prisma.roomsAccessRecord.count({ where: { roomId: hmRoomId, actorId: hm.userId } });
    const before = await records();
    await count(hm, '{ n: inboundJoinRequestCount(status: PENDING) }');
    expect(await records()).toBe(before);
    await count(hm, '{ n: inboundJoinRequests(status: PENDING) { id } }');
    expect(await records()).toBe(before + 1);
  });
});
