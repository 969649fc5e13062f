// The receiver's side of contract v1.1 and of cancellation, over the real
// FHIR endpoint: If-None-Exist (conditional create) and the identifier
// search as a FHIR searchset; a Task whose join request ends without a
// decision moves to cancelled with a reason, whoever ends it (the partner by
// PUT or JSON Patch, a manager, a revoked share code, a suspension), and
// never stays received. The jobs are run by hand here (no workers), so each
// interleaving (cancelled before or after the join request exists) is shown
// deterministically.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { inboundJoinDecided } from '../../adapters/jobs/inbound-join-decided';
import { inboundJoinPartnerSuspended } from '../../adapters/jobs/inbound-join-partner-suspended';
import { inboundJoinReceived } from '../../adapters/jobs/inbound-join-received';
import type { DepsWith, JobNeed } from '../../adapters/job-definition';
import { validateR4 } from '../../adapters/fhir/validator';
import type { Actor } from '../support/actors';
import { as } from '../support/identity-fixtures';
import { silentLogger } from '../support/silent-logger';
import {
  fhirRequest,
  inboundRowCounts,
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  registerSimulatedPartner,
  startInboundTestbed,
  type SimulatedPartner,
} from '../support/simulated-partner';
import type { TestSystem } from '../support/test-system';

const d = {
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status } }`,
  cancel: `mutation($id: ID!, $reason: String!) { cancelInboundJoin(id: $id, reason: $reason) { id status decisionReason history { action actorRole reason } } }`,
  revoke: `mutation($id: ID!) { revokeRoomShareCode(id: $id) { id } }`,
  suspend: `mutation($id: ID!) { suspendPartner(id: $id, reason: "契約見直し") { id } }`,
  reactivate: `mutation($id: ID!) { reactivatePartner(id: $id, reason: "再開") { id } }`,
  request: `query($id: ID!) { inboundJoinRequest(id: $id) { id status decisionReason history { action actorRole reason } } }`,
};

describe('inbound Tasks: conditional create, search, cancellation (receiver side)', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let himi: SimulatedPartner;
  let imizu: SimulatedPartner;
  let base: string;
  let deps: DepsWith<JobNeed>;
  const job = { id: 'test' } as Job;

  const token = (p: SimulatedPartner) => partnerJwt(p, base);
  const post = async (p: SimulatedPartner, task: unknown, ifNoneExist?: string) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await token(p)}`,
      'content-type': 'application/fhir+json',
    };
    if (ifNoneExist !== undefined) headers['if-none-exist'] = ifNoneExist;
    const response = await fetch(`${base}/Task`, { method: 'POST', headers, body: JSON.stringify(task) });
    return {
      status: response.status,
      location: response.headers.get('location'),
      json: (await response.json()) as any,
    };
  };
  const send = async (
    p: SimulatedPartner,
    method: string,
    path: string,
    body: unknown,
    contentType = 'application/fhir+json',
  ) => fhirRequest(base, method, path, { token: await token(p), body, contentType });
  const get = async (p: SimulatedPartner, path: string) => fhirRequest(base, 'GET', path, { token: await token(p) });
  const identifierOf = (task: Record<string, unknown>) =>
    (task.identifier as Array<{ system: string; value: string }>)[0]!;
  const condition = (task: Record<string, unknown>) =>
    `identifier=${encodeURIComponent(`${identifierOf(task).system}|${identifierOf(task).value}`)}`;
  const codeFor = async (p: SimulatedPartner) => {
    const roomId = await openRoomAs(t, hm);
    return { roomId, ...(await issueShareCodeAs(t, hm, roomId, p)) };
  };
  const received = (taskId: string) => inboundJoinReceived.process({ inboundTaskId: taskId }, job, deps);
  /** Runs the decided job for every inbound-join.decided event of this Task, as the relay would. */
  const decided = async (taskId: string) => {
    const events = await t.db.prisma.roomsOutboxEvent.findMany({
      where: { type: 'inbound-join.decided', payload: { path: ['correlationId'], equals: taskId } },
    });
    for (const event of events)
      await inboundJoinDecided.process(event.payload as { joinRequestId: string; correlationId: string }, job, deps);
  };
  const requestOf = (taskId: string) =>
    t.db.prisma.inboundJoinRequest.findUniqueOrThrow({ where: { correlationId: taskId } });
  const outcome = (answer: { json: any }) => ({
    code: answer.json?.issue?.[0]?.details?.coding?.[0]?.code,
    expression: answer.json?.issue?.[0]?.expression,
  });

  beforeAll(async () => {
    ({ t, base, sa, hm, himi, imizu } = await startInboundTestbed({ workers: false }));
    deps = {
      db: t.db.prisma,
      inbound: t.db.prisma,
      identity: { db: t.db.prisma },
      logger: silentLogger,
      workerName: 'test',
    } as unknown as DepsWith<JobNeed>;
  });
  afterAll(() => t?.stop());

  describe('If-None-Exist', () => {
    it('no match → 201; a match of this partner → 200 with it and nothing new, whatever the body', async () => {
      const { code } = await codeFor(himi);
      const task = joinTaskFrom(himi, code);
      const created = await post(himi, task, condition(task));
      expect(created.status).toBe(201);
      expect(created.location).toBe(`Task/${created.json.id}`);
      const before = await inboundRowCounts(t);
      // FHIR: with one match the server ignores the posted body (here: another identifier and an unknown share code).
      const again = await post(himi, joinTaskFrom(himi, 'unknown-share-code'), condition(task));
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ resourceType: 'Task', id: created.json.id, status: 'received' });
      expect(again.location).toBeNull();
      expect(await inboundRowCounts(t)).toEqual(before);
    });

    it('a malformed header, or one that names another identifier than the Task, is a 400 OperationOutcome storing nothing', async () => {
      const { code } = await codeFor(himi);
      const task = joinTaskFrom(himi, code);
      const before = await inboundRowCounts(t);
      for (const header of ['identifier=no-bar', 'status=requested', `${condition(task)}&_id=1`, '']) {
        const refused = await post(himi, task, header);
        expect(refused.status).toBe(400);
        expect(refused.json.resourceType).toBe('OperationOutcome');
        expect(outcome(refused)).toEqual({ code: 'BAD_REQUEST', expression: ['If-None-Exist'] });
      }
      const other = await post(
        himi,
        task,
        `identifier=${encodeURIComponent(`${himi.requesterSystem}|something-else`)}`,
      );
      expect(other.status).toBe(400);
      expect(outcome(other)).toEqual({ code: 'BAD_REQUEST', expression: ['If-None-Exist', 'Task.identifier'] });
      expect(await inboundRowCounts(t)).toEqual(before);
    });

    it("another partner's identifier is no match for this partner (its own Task is created)", async () => {
      const { code } = await codeFor(himi);
      const first = joinTaskFrom(himi, code);
      expect((await post(himi, first, condition(first))).status).toBe(201);
      const imizuCode = (await codeFor(imizu)).code;
      // Same value under imizu's own system: a different identifier, so a new Task.
      const theirs = joinTaskFrom(imizu, imizuCode, {
        identifier: { system: imizu.requesterSystem, value: identifierOf(first).value },
      });
      expect((await post(imizu, theirs, condition(theirs))).status).toBe(201);
    });
  });

  describe('GET Task?identifier= (searchset)', () => {
    it('answers a valid searchset Bundle with a self link; no match is an empty Bundle; a malformed token a 400', async () => {
      const { code } = await codeFor(himi);
      const task = joinTaskFrom(himi, code);
      const created = await post(himi, task);
      const token = `${identifierOf(task).system}|${identifierOf(task).value}`;
      const found = await get(himi, `/Task?identifier=${encodeURIComponent(token)}&_count=10`);
      expect(found.status).toBe(200);
      expect(found.json).toMatchObject({
        resourceType: 'Bundle',
        type: 'searchset',
        total: 1,
        link: [{ relation: 'self', url: `${base}/Task?identifier=${encodeURIComponent(token)}` }],
        entry: [
          { fullUrl: `${base}/Task/${created.json.id}`, resource: { id: created.json.id }, search: { mode: 'match' } },
        ],
      });
      expect(validateR4(found.json)).toEqual({ valid: true });
      const none = await get(himi, `/Task?identifier=${encodeURIComponent(`${himi.requesterSystem}|${randomUUID()}`)}`);
      expect(none.json).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });
      expect(none.json.entry).toEqual([]);
      expect(validateR4(none.json)).toEqual({ valid: true });
      // Another partner: the same empty Bundle.
      expect((await get(imizu, `/Task?identifier=${encodeURIComponent(token)}`)).json.total).toBe(0);
      for (const path of ['/Task?identifier=no-bar', '/Task', `/Task?identifier=a|b&identifier=c|d`]) {
        const bad = await get(himi, path);
        expect(bad.status).toBe(400);
        expect(outcome(bad).code).toBe('BAD_REQUEST');
      }
    });
  });

  describe('the partner cancels its Task', () => {
    it('PUT status cancelled before a decision: the Task and its join request are cancelled (recorded); again is 200; the request can no longer be approved', async () => {
      const { code, roomId } = await codeFor(himi);
      const task = joinTaskFrom(himi, code);
      const created = await post(himi, task);
      await received(created.json.id);
      const request = await requestOf(created.json.id);
      const body = { ...created.json, status: 'cancelled', statusReason: { text: '利用者が入院したため' } };
      const cancelled = await send(himi, 'PUT', `/Task/${created.json.id}`, body);
      expect(cancelled.status).toBe(200);
      expect(cancelled.json).toMatchObject({
        id: created.json.id,
        status: 'cancelled',
        statusReason: { text: '利用者が入院したため' },
      });
      expect(validateR4(cancelled.json)).toEqual({ valid: true });
      const shown = await as(t, hm)(d.request, { id: request.id });
      expect(shown.data?.inboundJoinRequest).toMatchObject({
        status: 'CANCELLED',
        decisionReason: '利用者が入院したため',
        history: [
          { action: 'RECEIVED' },
          { action: 'CANCELLED', actorRole: `PARTNER:${himi.id}`, reason: '利用者が入院したため' },
        ],
      });
      const trace = `${created.json.id}|${identifierOf(task).value}`;
      expect(
        await t.db.prisma.roomsAccessRecord.count({
          where: { roomId, what: `inbound-join.cancel#${trace}`, actorRole: `PARTNER:${himi.id}` },
        }),
      ).toBe(1);
      expect((await send(himi, 'PUT', `/Task/${created.json.id}`, body)).status).toBe(200);
      expect((await as(t, hm)(d.approve, { id: request.id })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
      expect((await get(himi, `/Task/${created.json.id}`)).json.status).toBe('cancelled');
    });

    it('JSON Patch before the join request exists: the Task is cancelled and the request is created cancelled, never pending', async () => {
      const { code } = await codeFor(himi);
      const created = await post(himi, joinTaskFrom(himi, code));
      const patched = await send(
        himi,
        'PATCH',
        `/Task/${created.json.id}`,
        [
          { op: 'test', path: '/status', value: 'received' },
          { op: 'replace', path: '/status', value: 'cancelled' },
        ],
        'application/json-patch+json',
      );
      expect(patched.status).toBe(200);
      expect(patched.json).toMatchObject({ status: 'cancelled', statusReason: { text: 'cancelled by the requester' } });
      await received(created.json.id);
      const request = await requestOf(created.json.id);
      expect(request).toMatchObject({ status: 'CANCELLED', decisionReason: 'cancelled by the requester' });
      const steps = await t.db.prisma.inboundJoinStep.findMany({
        where: { requestId: request.id },
        orderBy: { at: 'asc' },
      });
      expect(steps.map((s) => [s.action, s.actorRole])).toEqual([
        ['RECEIVED', `PARTNER:${himi.id}`],
        ['CANCELLED', `PARTNER:${himi.id}`],
      ]);
    });

    it('after a decision: 409 OperationOutcome and nothing changes; a failed JSON Patch test is 409 too', async () => {
      const { code } = await codeFor(himi);
      const created = await post(himi, joinTaskFrom(himi, code));
      await received(created.json.id);
      const request = await requestOf(created.json.id);
      expect((await as(t, hm)(d.approve, { id: request.id })).errors).toBeUndefined();
      // The decision is taken; the Task has not followed yet (its job has not run): still refused.
      const early = await send(
        himi,
        'PATCH',
        `/Task/${created.json.id}`,
        [{ op: 'replace', path: '/status', value: 'cancelled' }],
        'application/json-patch+json',
      );
      expect(early.status).toBe(409);
      expect(outcome(early).code).toBe('CONFLICT');
      await decided(created.json.id);
      const late = await send(himi, 'PUT', `/Task/${created.json.id}`, { ...created.json, status: 'cancelled' });
      expect(late.status).toBe(409);
      expect(late.json.resourceType).toBe('OperationOutcome');
      const test = await send(
        himi,
        'PATCH',
        `/Task/${created.json.id}`,
        [
          { op: 'test', path: '/status', value: 'received' },
          { op: 'replace', path: '/status', value: 'cancelled' },
        ],
        'application/json-patch+json',
      );
      expect(test.status).toBe(409);
      expect((await get(himi, `/Task/${created.json.id}`)).json.status).toBe('completed');
      expect((await requestOf(created.json.id)).status).toBe('APPROVED');
    });

    it('refuses other changes (400), other media types (415), and another partner (404, the same as unknown)', async () => {
      const { code } = await codeFor(himi);
      const created = await post(himi, joinTaskFrom(himi, code));
      const path = `/Task/${created.json.id}`;
      expect(outcome(await send(himi, 'PUT', path, { ...created.json, status: 'completed' }))).toEqual({
        code: 'BAD_REQUEST',
        expression: ['Task.status'],
      });
      expect(
        outcome(await send(himi, 'PUT', path, { ...created.json, id: randomUUID(), status: 'cancelled' })),
      ).toEqual({ code: 'BAD_REQUEST', expression: ['Task.id'] });
      expect(
        outcome(
          await send(
            himi,
            'PATCH',
            path,
            [{ op: 'replace', path: '/input', value: [] }],
            'application/json-patch+json',
          ),
        ).code,
      ).toBe('BAD_REQUEST');
      expect((await send(himi, 'PATCH', path, [{ op: 'replace', path: '/status', value: 'cancelled' }])).status).toBe(
        415,
      );
      const theirs = await send(imizu, 'PUT', path, { ...created.json, status: 'cancelled' });
      expect(theirs.status).toBe(404);
      expect((await get(himi, path)).json.status).toBe('received');
    });
  });

  describe('ended on our side without a decision', () => {
    it('a manager withdraws the request: CANCELLED with the reason, and the Task follows', async () => {
      const { code } = await codeFor(himi);
      const created = await post(himi, joinTaskFrom(himi, code));
      await received(created.json.id);
      const request = await requestOf(created.json.id);
      const cancelled = await as(t, hm)(d.cancel, { id: request.id, reason: '電話で取り下げの連絡あり' });
      expect(cancelled.errors).toBeUndefined();
      expect(cancelled.data?.cancelInboundJoin).toMatchObject({
        status: 'CANCELLED',
        decisionReason: '電話で取り下げの連絡あり',
        history: [{ action: 'RECEIVED' }, { action: 'CANCELLED', actorRole: 'HOSPITAL_MANAGER' }],
      });
      await decided(created.json.id);
      expect((await get(himi, `/Task/${created.json.id}`)).json).toMatchObject({
        status: 'cancelled',
        statusReason: { text: '電話で取り下げの連絡あり' },
      });
      expect((await as(t, hm)(d.cancel, { id: request.id, reason: 'again' })).errors?.[0]?.extensions?.code).toBe(
        'ILLEGAL_TRANSITION',
      );
    });

    it('revoking the share code ends the requests pending under it, and a Task whose request is made later', async () => {
      const { code, id: shareCodeId } = await codeFor(himi);
      const first = await post(himi, joinTaskFrom(himi, code));
      const second = await post(himi, joinTaskFrom(himi, code));
      await received(first.json.id);
      expect((await as(t, hm)(d.revoke, { id: shareCodeId })).errors).toBeUndefined();
      // The second Task's job runs only now: its request is created already cancelled.
      await received(second.json.id);
      for (const task of [first, second]) {
        expect(await requestOf(task.json.id)).toMatchObject({
          status: 'CANCELLED',
          decisionReason: 'the share code was revoked',
        });
        await decided(task.json.id);
        expect((await get(himi, `/Task/${task.json.id}`)).json).toMatchObject({
          status: 'cancelled',
          statusReason: { text: 'the share code was revoked' },
        });
      }
    });

    it('suspending the partner cancels its received Tasks (with or without a request yet); decided ones stay', async () => {
      const partner = await registerSimulatedPartner(
        t,
        sa,
        '小矢部市多職種ネット',
        `oyabe-${randomUUID().slice(0, 6)}.example`,
      );
      const { code } = await codeFor(partner);
      const withRequest = await post(partner, joinTaskFrom(partner, code));
      const withoutRequest = await post(partner, joinTaskFrom(partner, code));
      const approvedTask = await post(partner, joinTaskFrom(partner, code));
      await received(withRequest.json.id);
      await received(approvedTask.json.id);
      expect((await as(t, hm)(d.approve, { id: (await requestOf(approvedTask.json.id)).id })).errors).toBeUndefined();
      await decided(approvedTask.json.id);
      expect((await as(t, sa)(d.suspend, { id: partner.id })).errors).toBeUndefined();
      const event = await t.db.prisma.identityOutboxEvent.findFirstOrThrow({
        where: { type: 'partner.suspended', payload: { path: ['partnerId'], equals: partner.id } },
      });
      await inboundJoinPartnerSuspended.process(event.payload as { partnerId: string }, job, deps);
      await inboundJoinPartnerSuspended.process(event.payload as { partnerId: string }, job, deps);
      await received(withoutRequest.json.id);
      const status = async (id: string) => t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id } });
      for (const task of [withRequest, withoutRequest]) {
        expect(await status(task.json.id)).toMatchObject({
          status: 'CANCELLED',
          statusReason: 'the partner was suspended',
        });
        expect(await requestOf(task.json.id)).toMatchObject({
          status: 'CANCELLED',
          decisionReason: 'the partner was suspended',
        });
      }
      expect(await status(approvedTask.json.id)).toMatchObject({ status: 'COMPLETED' });
      const steps = await t.db.prisma.inboundJoinStep.findMany({
        where: { requestId: (await requestOf(withoutRequest.json.id)).id },
        orderBy: { at: 'asc' },
      });
      expect(steps.map((s) => [s.action, s.actorRole])).toEqual([
        ['RECEIVED', `PARTNER:${partner.id}`],
        ['CANCELLED', 'SYSTEM'],
      ]);
    });

    it('a suspension job that runs after the partner was reactivated cancels nothing, not even a Task received since', async () => {
      const partner = await registerSimulatedPartner(
        t,
        sa,
        '南砺市多職種ネット',
        `nanto-${randomUUID().slice(0, 6)}.example`,
      );
      const { code } = await codeFor(partner);
      const before = await post(partner, joinTaskFrom(partner, code));
      await received(before.json.id);
      expect((await as(t, sa)(d.suspend, { id: partner.id })).errors).toBeUndefined();
      expect((await as(t, sa)(d.reactivate, { id: partner.id })).errors).toBeUndefined();
      const after = await post(partner, joinTaskFrom(partner, code));
      await received(after.json.id);
      const event = await t.db.prisma.identityOutboxEvent.findFirstOrThrow({
        where: { type: 'partner.suspended', payload: { path: ['partnerId'], equals: partner.id } },
      });
      await inboundJoinPartnerSuspended.process(event.payload as { partnerId: string }, job, deps);
      for (const task of [before, after]) {
        expect(await t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id: task.json.id } })).toMatchObject({
          status: 'RECEIVED',
        });
        expect(await requestOf(task.json.id)).toMatchObject({ status: 'PENDING' });
      }
    });
  });
});
