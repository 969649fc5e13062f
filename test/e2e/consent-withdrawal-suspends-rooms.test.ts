// Consent withdrawn → the subject's room is suspended and its managers told,
// end to end on the real PostgreSQL and Redis: consent's outbox event, the
// relay, the consent-withdrawn job and rooms' suspension service.
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { consentWithdrawn } from '../../adapters/jobs/consent-withdrawn';
import { sharingReview } from '../../adapters/jobs/sharing-review';
import { missingNeeds, type DepsWith, type JobNeed } from '../../adapters/job-definition';
import { jobDefinitions } from '../../adapters/jobs';
import { startOutboxRelay } from '../../adapters/outbox-relay';
import { startWorkers } from '../../adapters/workers';
import { connectRedis } from '../../lib/redis';
import { consentWithdrawnEvent } from '../../subgraphs/consent/events';
import { defineEvent } from '../../lib/events/define-event';
import { z } from 'zod';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { redisUrl, uniqueName } from '../support/environment';
import { captureLogger } from '../support/capture-logger';
import { silentLogger } from '../support/silent-logger';
import { eventually } from '../support/eventually';
import { registeredSubject } from '../support/directory-fixtures';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  openRoom: `mutation($s: ID!, $t: String!) { openRoom(input: { subjectId: $s, title: $t }) { id } }`,
  addMember: `mutation($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u) { id } }`,
  recordConsent: `mutation($input: ConsentInput!) { recordConsent(input: $input) { id state } }`,
  withdrawConsent: `mutation($id: ID!, $reason: String!) { withdrawConsent(subjectId: $id, reason: $reason) { id state } }`,
  resume: `mutation($r: ID!) { resumeRoom(roomId: $r) { status } }`,
  recordException: `mutation($input: LegalExceptionInput!) { recordLegalException(input: $input) { id } }`,
  room: `query($r: ID!) { room(id: $r) { status notices { kind message createdAt } } }`,
  createPost: `mutation($r: ID!, $c: PostCategory!, $b: String!) { createPost(roomId: $r, category: $c, body: $b) { id } }`,
};

async function roomWithConsent(t: TestSystem, manager: Actor, member: Actor) {
  const as = (query: string, variables: Record<string, unknown>) =>
    graphql(t.graphqlUrl, query, variables, manager.headers);
  const subjectId = await subjectWithConsent(t, manager);
  const opened = await as(d.openRoom, { s: subjectId, t: '太郎さんの部屋' });
  expect(opened.errors).toBeUndefined();
  const roomId = opened.data?.openRoom.id as string;
  expect((await as(d.addMember, { r: roomId, u: member.userId })).errors).toBeUndefined();
  return { subjectId, roomId };
}

const roomStatus = (t: TestSystem, roomId: string) =>
  t.db.prisma.room.findUniqueOrThrow({ where: { id: roomId } }).then((room) => room.status);

describe("consent withdrawal suspends the subject's rooms (workers running)", () => {
  let t: TestSystem;
  let sa: Actor;
  let member: Actor;
  let events: QueueEvents;
  let eventsConnection: ReturnType<typeof connectRedis>;

  beforeAll(async () => {
    t = await startTestSystem({ workers: true });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    member = await actorWithRole(t, 'USER');
    const queue = t.system.workers?.queues.get(consentWithdrawn.queue);
    if (!queue) throw new Error('consent-withdrawn queue not started');
    eventsConnection = connectRedis(redisUrl);
    events = new QueueEvents(consentWithdrawn.queue, { connection: eventsConnection, prefix: queue.opts.prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    // BullMQ does not close a connection it was given.
    await eventsConnection.quit();
    await t.stop();
  });

  it('suspends the room, tells its managers, refuses posts, and a re-run changes nothing', async () => {
    const { subjectId, roomId } = await roomWithConsent(t, sa, member);
    const withdrawn = await graphql(
      t.graphqlUrl,
      d.withdrawConsent,
      { id: subjectId, reason: '本人の申出により撤回' },
      sa.headers,
    );
    expect(withdrawn.errors).toBeUndefined();
    const consentRecordId = withdrawn.data?.withdrawConsent.id as string;

    // The event committed with the withdrawal, holds ids only, and is relayed.
    const outbox = await t.db.prisma.consentOutboxEvent.findMany({ where: { type: consentWithdrawnEvent.type } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.payload).toEqual({ subjectId, consentRecordId });

    expect(
      await eventually(
        () => roomStatus(t, roomId),
        (s) => s === 'SUSPENDED',
      ),
    ).toBe('SUSPENDED');
    // Rooms' sharing view follows: no consent, no exception.
    const view = await eventually(
      () => t.db.prisma.subjectSharing.findUnique({ where: { subjectId } }),
      (row) => row?.allowed === false,
    );
    expect(view).toMatchObject({ allowed: false, basis: null });
    const relayed = await eventually(
      () => t.db.prisma.consentOutboxEvent.findUniqueOrThrow({ where: { id: outbox[0]!.id } }),
      (row) => row.relayedAt !== null,
    );
    expect(relayed.relayedAt).not.toBeNull();

    // The managers see one notice, without personal data; a member does not see notices.
    const seen = await graphql(t.graphqlUrl, d.room, { r: roomId }, sa.headers);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.room).toMatchObject({
      status: 'SUSPENDED',
      notices: [{ kind: 'CONSENT_WITHDRAWN', message: expect.any(String) }],
    });
    expect(seen.data?.room.notices[0].message).not.toContain('太郎');
    expect(errorCodes(await graphql(t.graphqlUrl, d.room, { r: roomId }, member.headers))).toEqual(['FORBIDDEN']);

    // Read-only: the member's post is refused because of the room's state.
    const posted = await graphql(
      t.graphqlUrl,
      d.createPost,
      { r: roomId, c: 'MEDICAL', b: '訪問しました' },
      member.headers,
    );
    expect(errorCodes(posted)).toEqual(['ILLEGAL_TRANSITION']);
    expect(await t.db.prisma.post.count({ where: { roomId } })).toBe(0);

    // The suspension is in rooms' access records, as the system.
    const suspension = { roomId, what: 'room-suspension' };
    expect(
      await t.db.prisma.roomsAccessRecord.findMany({
        where: suspension,
        select: { actorId: true, actorRole: true, subjectId: true, action: true },
      }),
    ).toEqual([{ actorId: null, actorRole: 'SYSTEM', subjectId, action: 'WRITE' }]);

    // The same event again under a new job id: nothing changes.
    const queue = t.system.workers!.queues.get(consentWithdrawn.queue)!;
    const again = await queue.add(
      consentWithdrawnEvent.type,
      { version: 1, payload: { subjectId, consentRecordId } },
      { jobId: uniqueName('rerun') },
    );
    await again.waitUntilFinished(events, 10_000);
    expect(await t.db.prisma.roomNotice.count({ where: { roomId } })).toBe(1);
    expect(await t.db.prisma.roomsAccessRecord.count({ where: suspension })).toBe(1);
    expect(await roomStatus(t, roomId)).toBe('SUSPENDED');

    // Resuming needs sharing allowed again, and a manager.
    const before = await t.db.prisma.roomsAccessRecord.count({
      where: { roomId, what: 'room.resume', action: 'DENIED' },
    });
    expect(errorCodes(await graphql(t.graphqlUrl, d.resume, { r: roomId }, sa.headers))).toEqual(['CONFLICT']);
    expect(errorCodes(await graphql(t.graphqlUrl, d.resume, { r: roomId }, member.headers))).toEqual(['FORBIDDEN']);
    expect(
      await t.db.prisma.roomsAccessRecord.count({ where: { roomId, what: 'room.resume', action: 'DENIED' } }),
    ).toBe(before + 2);
    expect(await roomStatus(t, roomId)).toBe('SUSPENDED');
  });

  it('lets a manager resume a suspended room once consent is given again', async () => {
    const { subjectId, roomId } = await roomWithConsent(t, sa, member);
    await graphql(t.graphqlUrl, d.withdrawConsent, { id: subjectId, reason: '撤回' }, sa.headers);
    await eventually(
      () => roomStatus(t, roomId),
      (s) => s === 'SUSPENDED',
    );
    await eventually(
      () => t.db.prisma.subjectSharing.findUnique({ where: { subjectId } }),
      (row) => row?.allowed === false,
    );
    const again = await graphql(
      t.graphqlUrl,
      d.recordConsent,
      {
        input: {
          subjectId,
          explanation: { explainedOn: '2025-05-01' },
          signature: { signedBy: 'SUBJECT', signedOn: '2025-05-01' },
          purposes: ['PROVIDE_SERVICES'],
        },
      },
      sa.headers,
    );
    expect(again.errors).toBeUndefined();
    await eventually(
      () => t.db.prisma.subjectSharing.findUnique({ where: { subjectId } }),
      (row) => row?.allowed === true,
    );
    // Granting consent alone reopens nothing: a person decides.
    expect(await roomStatus(t, roomId)).toBe('SUSPENDED');
    const resumed = await graphql(t.graphqlUrl, d.resume, { r: roomId }, sa.headers);
    expect(resumed.errors).toBeUndefined();
    expect(resumed.data?.resumeRoom.status).toBe('OPEN');
    expect(errorCodes(await graphql(t.graphqlUrl, d.resume, { r: roomId }, sa.headers))).toEqual([
      'ILLEGAL_TRANSITION',
    ]);
    expect(
      (await graphql(t.graphqlUrl, d.createPost, { r: roomId, c: 'MEDICAL', b: '再開後の訪問' }, member.headers))
        .errors,
    ).toBeUndefined();
    const kinds = (await graphql(t.graphqlUrl, d.room, { r: roomId }, sa.headers)).data?.room.notices.map(
      (n: { kind: string }) => n.kind,
    );
    expect(kinds).toEqual(['RESUMED', 'CONSENT_WITHDRAWN']);
    expect(
      await t.db.prisma.roomsAccessRecord.count({
        where: { roomId, what: 'room.resume', action: 'WRITE', actorId: sa.userId },
      }),
    ).toBe(1);
  });

  it('suspends a room whose legal exception passes its review date unreviewed (sharing-review job, clock moved on)', async () => {
    const subjectId = await registeredSubject(t, undefined, sa);
    const tomorrow = new Date(Date.now() + 9 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const recorded = await graphql(
      t.graphqlUrl,
      d.recordException,
      {
        input: {
          subjectId,
          basis: 'ELDER_ABUSE',
          decidedBy: '高岡市 高齢介護課長',
          reason: '虐待の疑い',
          reviewOn: tomorrow,
        },
      },
      sa.headers,
    );
    expect(recorded.errors).toBeUndefined();
    await eventually(
      () => t.db.prisma.subjectSharing.findUnique({ where: { subjectId } }),
      (row) => row?.allowed === true,
    );
    const opened = await graphql(t.graphqlUrl, d.openRoom, { s: subjectId, t: '例外による部屋' }, sa.headers);
    expect(opened.errors).toBeUndefined();
    const roomId = opened.data?.openRoom.id as string;

    const deps = {
      rooms: t.db.prisma,
      consent: t.db.prisma,
      identity: { now: () => new Date() },
      logger: silentLogger,
    } as unknown as DepsWith<JobNeed>;
    const job = { id: 'review-now' } as Job;
    // Today the exception holds: nothing happens.
    await sharingReview.process({}, job, deps);
    expect(await roomStatus(t, roomId)).toBe('OPEN');
    // Three days later it has lapsed: the view is re-read from consent and the room suspended, once.
    const later = {
      ...deps,
      identity: { now: () => new Date(Date.now() + 3 * 86_400_000) },
    } as unknown as DepsWith<JobNeed>;
    await sharingReview.process({}, job, later);
    await sharingReview.process({}, job, later);
    expect(await roomStatus(t, roomId)).toBe('SUSPENDED');
    expect(await t.db.prisma.subjectSharing.findUnique({ where: { subjectId } })).toMatchObject({
      allowed: false,
      basis: null,
      validThrough: null,
    });
    expect((await t.db.prisma.roomNotice.findMany({ where: { roomId } })).map((n) => n.kind)).toEqual([
      'SHARING_BASIS_LAPSED',
    ]);
    // Resuming on the lapsed basis is refused.
    expect(errorCodes(await graphql(t.graphqlUrl, d.resume, { r: roomId }, sa.headers))).toEqual(['CONFLICT']);
  });
});

describe('the outbox relay', () => {
  let t: TestSystem;
  let sa: Actor;
  let member: Actor;

  beforeAll(async () => {
    t = await startTestSystem({ workers: false });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    member = await actorWithRole(t, 'USER');
  });
  afterAll(() => t.stop());

  it('keeps events while Redis is unreachable, and relays what was written while it was stopped', async () => {
    const { subjectId, roomId } = await roomWithConsent(t, sa, member);
    expect(
      (await graphql(t.graphqlUrl, d.withdrawConsent, { id: subjectId, reason: '撤回' }, sa.headers)).errors,
    ).toBeUndefined();
    const pending = () => t.db.prisma.consentOutboxEvent.count({ where: { relayedAt: null } });
    // consent.granted (rooms' sharing view) and consent.withdrawn, each with its care.changed (need to know).
    expect(await pending()).toBe(4);

    // Redis unreachable (nothing listens on port 1): the tick gives up, the event stays pending.
    const deadRedis = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: null,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    deadRedis.on('error', () => undefined);
    const deadQueue = new Queue(consentWithdrawn.queue, { connection: deadRedis, prefix: uniqueName('dead') });
    deadQueue.on('error', () => undefined);
    const relayLog = captureLogger('warn');
    const stuck = startOutboxRelay({
      db: t.db.prisma,
      queues: new Map([[consentWithdrawnEvent, deadQueue]]),
      logger: relayLog.logger,
      addTimeoutMs: 200,
    });
    // The positive signal: a tick tried to hand the event over and gave up.
    await relayLog.waitFor((line) => line.msg.startsWith('outbox relay: events stay pending'));
    await stuck.stop();
    deadRedis.disconnect();
    await deadQueue.close().catch(() => undefined);
    expect(await pending()).toBe(4);
    expect(await roomStatus(t, roomId)).toBe('OPEN');

    // Workers (and so the relay) start now: the event written before is relayed and handled.
    const workers = await startWorkers({
      redis: t.redis,
      prefix: uniqueName('renkei-test').replace(/_/g, '-'),
      deps: {
        db: t.db.prisma,
        identity: { db: t.db.prisma, settings: t.settings, now: () => new Date() },
        rooms: t.db.prisma,
        consent: t.db.prisma,
        logger: silentLogger,
      },
      definitions: jobDefinitions.filter(
        (job) => missingNeeds(job, { rooms: t.db.prisma, consent: t.db.prisma }).length === 0,
      ),
      outbox: t.db.prisma,
    });
    try {
      expect(
        await eventually(
          () => roomStatus(t, roomId),
          (s) => s === 'SUSPENDED',
        ),
      ).toBe('SUSPENDED');
      expect(await eventually(pending, (n) => n === 0)).toBe(0);
      expect(await t.db.prisma.roomNotice.count({ where: { roomId } })).toBe(1);
    } finally {
      await workers.close();
      const keys = await t.redis.keys(`${workers.queues.get(consentWithdrawn.queue)!.opts.prefix}:*`);
      if (keys.length) await t.redis.del(...keys);
    }
  });

  it('drains a backlog without waiting an interval between full batches', async () => {
    const prefix = uniqueName('drain');
    const queue = new Queue('drain-test', { connection: t.redis, prefix });
    queue.on('error', () => undefined);
    const drainEvent = defineEvent({ type: 'drain.test', version: 1, payload: z.object({ n: z.number() }).strict() });
    const { type } = drainEvent;
    await t.db.prisma.consentOutboxEvent.createMany({
      data: Array.from({ length: 23 }, () => ({ id: randomUUID(), type, payload: { n: 1 } })),
    });
    const pending = () => t.db.prisma.consentOutboxEvent.count({ where: { type, relayedAt: null } });
    // Batches of 5 and an hour between ticks: only draining while batches come back full relays all 23 at once.
    const relay = startOutboxRelay({
      db: t.db.prisma,
      queues: new Map([[drainEvent, queue]]),
      logger: silentLogger,
      batchSize: 5,
      intervalMs: 3_600_000,
    });
    try {
      expect(await eventually(pending, (n) => n === 0, 5_000)).toBe(0);
      expect(await queue.count()).toBe(23);
    } finally {
      await relay.stop();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
