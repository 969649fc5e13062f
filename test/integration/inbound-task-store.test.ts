// The exchange's busiest path written in few statements (issue 16), against
// real PostgreSQL: what the hand-written SQL stores and reads must be what
// Prisma's model says, and the shortcuts (insert first, look up only on a
// conflict) must keep the guarantees they replace: a repeated Task or job
// changes nothing, and every new Task has exactly one outbox event.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { receiveJoinTask, lockInboundTask } from '../../adapters/fhir/inbound-task-service';
import { buildJoinTask } from '../../adapters/fhir/join-task';
import { inboundJoinReceived } from '../../adapters/jobs/inbound-join-received';
import type { ExchangePartner } from '../../subgraphs/identity';
import {
  createInboundJoinRequest,
  type ConsentBasis,
} from '../../subgraphs/rooms/exchange/services/inbound-join-service';
import { hashShareCode } from '../../subgraphs/rooms/exchange/services/share-code-service';
import { silentLogger } from '../support/silent-logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('inbound Task store: one statement each for the Task, its lock and its join request', () => {
  let db: TestDatabase;
  const partner = {
    id: randomUUID(),
    requesterSystem: 'https://partner.example/requests',
    userSystem: 'https://partner.example/users',
    consentInJoin: 'OPTIONAL',
  } as ExchangePartner;
  const roomId = randomUUID();
  const shareCodeId = randomUUID();
  const shareCode = 'store-test-code-0001';
  const now = new Date('2026-12-06T10:00:00.123Z');

  const task = (value: string) =>
    buildJoinTask({
      identifier: { system: partner.requesterSystem, value },
      shareCode,
      authoredOn: '2026-12-06T09:59:00+09:00',
      requester: { system: partner.userSystem, value: 'admin-1', display: '連携 管理者' },
      practitioner: { system: partner.userSystem, value: 'nurse-1', display: '看護 花子' },
      organization: { display: '高岡訪問看護ステーション' },
      reason: '在宅療養の情報共有のため',
    });

  const runJob = (inboundTaskId: string) =>
    inboundJoinReceived.process(
      { inboundTaskId },
      { id: `job-${inboundTaskId}` } as Job,
      {
        inbound: db.prisma,
        logger: silentLogger,
      } as unknown as Parameters<typeof inboundJoinReceived.process>[2],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.prisma.room.create({ data: { id: roomId, subjectId: randomUUID(), title: '在宅 太郎さん' } });
    await db.prisma.roomShareCode.create({
      data: {
        id: shareCodeId,
        roomId,
        partnerId: partner.id,
        codeHash: hashShareCode(shareCode),
        issuedBy: randomUUID(),
        expiresAt: new Date('2027-01-01T00:00:00Z'),
      },
    });
  });
  afterAll(() => db.drop());

  it('stores the Task and its one outbox event as Prisma reads them back; a repeat is the same Task, nothing new', async () => {
    const first = await receiveJoinTask(db.prisma, partner, task('req-1'), now);
    expect(first.created).toBe(true);
    expect(await db.prisma.inboundTask.findUnique({ where: { id: first.task.id } })).toEqual(first.task);
    const events = await db.prisma.integrationOutboxEvent.findMany({
      where: { payload: { equals: { inboundTaskId: first.task.id } } },
    });
    expect(events).toEqual([expect.objectContaining({ type: 'inbound-task.received', version: 1, relayedAt: null })]);

    const again = await receiveJoinTask(db.prisma, partner, task('req-1'), new Date(now.getTime() + 1000));
    expect(again).toEqual({ created: false, task: first.task });
    expect(await db.prisma.inboundTask.count({ where: { partnerId: partner.id } })).toBe(1);
    expect(await db.prisma.integrationOutboxEvent.count()).toBe(events.length);
  });

  it("the locked read returns the model's own shape", async () => {
    const { task: stored } = await receiveJoinTask(db.prisma, partner, task('req-2'), now);
    const locked = await db.prisma.$transaction((tx) => lockInboundTask(tx, stored.id));
    expect(locked).toEqual(await db.prisma.inboundTask.findUnique({ where: { id: stored.id } }));
    expect(await db.prisma.$transaction((tx) => lockInboundTask(tx, randomUUID()))).toBeNull();
  });

  it('the job creates one pending request with its step and access record; run again, it adds nothing', async () => {
    const { task: stored } = await receiveJoinTask(db.prisma, partner, task('req-3'), now);
    const counts = async () => ({
      requests: await db.prisma.inboundJoinRequest.count({ where: { correlationId: stored.id } }),
      steps: await db.prisma.inboundJoinStep.count({ where: { request: { correlationId: stored.id } } }),
      records: await db.prisma.roomsAccessRecord.count({
        where: { what: { startsWith: `inbound-join.receive#${stored.id}|` } },
      }),
    });
    await runJob(stored.id);
    expect(await counts()).toEqual({ requests: 1, steps: 1, records: 1 });
    const request = await db.prisma.inboundJoinRequest.findUnique({
      where: { correlationId: stored.id },
      include: { steps: true },
    });
    expect(request?.steps).toEqual([
      expect.objectContaining({ action: 'RECEIVED', actorRole: `PARTNER:${partner.id}`, actorId: null, reason: null }),
    ]);
    expect(request?.steps[0]?.at).toEqual(request?.receivedAt);
    expect(request).toMatchObject({
      status: 'PENDING',
      roomId,
      partnerId: partner.id,
      shareCodeId,
      taskIdentifier: `${partner.requesterSystem}|req-3`,
      practitionerName: '看護 花子',
    });
    await runJob(stored.id);
    expect(await counts()).toEqual({ requests: 1, steps: 1, records: 1 });
  });

  /** A request as the inbound job would pass it to rooms' service, for the tests that call the service directly. */
  const directInput = (fields: {
    taskIdentifier: string;
    practitionerValue: string;
    practitionerName: string;
    organizationIdentifiers?: Array<{ system: string; value: string }>;
    consentBasis?: ConsentBasis | null;
  }) => ({
    correlationId: randomUUID(),
    roomId,
    partnerId: partner.id,
    shareCodeId,
    requesterName: null,
    practitionerSystem: partner.userSystem,
    organizationName: '高岡訪問看護ステーション',
    reason: '在宅療養の情報共有のため',
    organizationIdentifiers: [],
    consentBasis: null,
    ...fields,
  });

  it('the request is stored as the service returns it (with and without a consent basis); again, it is the one stored', async () => {
    const basis: ConsentBasis = { purposes: ['TREAT'], date: '2026-12-01', consenter: 'SUBJECT', relationship: null };
    for (const consentBasis of [null, basis]) {
      const input = directInput({
        taskIdentifier: `${partner.requesterSystem}|direct-${randomUUID()}`,
        practitionerValue: 'nurse-2',
        practitionerName: '看護 次郎',
        organizationIdentifiers: [{ system: 'urn:oid:1.2.392.100495.20.3.23.11621', value: '1234567890' }],
        consentBasis,
      });
      const first = await createInboundJoinRequest(db.prisma, input);
      expect(first.created).toBe(true);
      expect(await db.prisma.inboundJoinRequest.findUnique({ where: { id: first.request.id } })).toEqual(first.request);
      expect(await createInboundJoinRequest(db.prisma, input)).toEqual({ request: first.request, created: false });
    }
  });

  it('two at once with one correlation id: one request is created, and both answer it', async () => {
    const input = directInput({
      taskIdentifier: `${partner.requesterSystem}|raced-${randomUUID()}`,
      practitionerValue: 'nurse-3',
      practitionerName: '看護 三郎',
    });
    const both = await Promise.all([
      createInboundJoinRequest(db.prisma, input),
      createInboundJoinRequest(db.prisma, input),
    ]);
    expect(both.map((b) => b.created).sort()).toEqual([false, true]);
    expect(both[0].request.id).toBe(both[1].request.id);
    expect(await db.prisma.inboundJoinStep.count({ where: { request: { correlationId: input.correlationId } } })).toBe(
      1,
    );
  });

  it('a share code revoked before the job: the request is created cancelled, with both steps', async () => {
    const { task: stored } = await receiveJoinTask(db.prisma, partner, task('req-4'), now);
    await db.prisma.roomShareCode.update({ where: { id: shareCodeId }, data: { revokedAt: new Date() } });
    try {
      await runJob(stored.id);
    } finally {
      await db.prisma.roomShareCode.update({ where: { id: shareCodeId }, data: { revokedAt: null } });
    }
    const request = await db.prisma.inboundJoinRequest.findUnique({
      where: { correlationId: stored.id },
      include: { steps: { orderBy: { at: 'asc' } } },
    });
    expect(request).toMatchObject({ status: 'CANCELLED', decisionReason: 'the share code was revoked' });
    expect(request?.steps.map((s) => s.action).sort()).toEqual(['CANCELLED', 'RECEIVED']);
  });
});
