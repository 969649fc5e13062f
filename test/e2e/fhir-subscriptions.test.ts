// Push instead of polling (issue 17 part 3), over the real FHIR endpoint, the
// real outbox relay and BullMQ workers, and a real HTTPS rest-hook at the
// partner (its own CA): a partner subscribes to its Tasks' status (R4
// Subscriptions Backport), gets a handshake, then every status change in
// event-number order, each once, also across its endpoint going down and
// coming back and across a dead letter; another partner's Tasks and
// subscriptions stay out of reach, and every refusal stores nothing. The
// last test measures how long after a decision its notification arrives.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { validateR4 } from '../../adapters/fhir/validator';
import type { DepsWith } from '../../adapters/job-definition';
import { taskSubscriptionRedrive } from '../../adapters/jobs/task-subscription-redrive';
import { silentLogger } from '../support/silent-logger';
import {
  filterCriteriaExtension,
  joinTaskStatusTopic,
  payloadContentExtension,
} from '../../adapters/fhir/subscriptions/subscription-rules';
import {
  openSubscriptionHeaders,
  sealClearSubscriptionHeaders,
} from '../../adapters/fhir/subscriptions/subscription-service';
import { eventually } from '../support/eventually';
import { as } from '../support/identity-fixtures';
import { actorWithRole, type Actor } from '../support/actors';
import { partnerCertificateAuthority } from '../support/mock-partner-fixtures';
import {
  fhirRequest,
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  registerSimulatedPartner,
  type SimulatedPartner,
} from '../support/simulated-partner';
import { assertionForm, clientAssertion, registerSmartPartner, requestToken } from '../support/smart-partner';
import { startSubscriberEndpoint, type SubscriberEndpoint } from '../support/subscriber-endpoint';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  requests: `query($s: InboundJoinStatus) { inboundJoinRequests(status: $s) { id correlationId } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status } }`,
  reject: `mutation($id: ID!, $reason: String!) { rejectInboundJoin(id: $id, reason: $reason) { id status } }`,
};

const authorization = 'Bearer hook-secret-7f3a';

describe('Task subscriptions (push, Subscriptions Backport rest-hook)', () => {
  let t: TestSystem;
  let partnerCa: Awaited<ReturnType<typeof partnerCertificateAuthority>>;
  let hook: SubscriberEndpoint;
  let sa: Actor;
  let hm: Actor;
  let himi: SimulatedPartner;
  let imizu: SimulatedPartner;
  let base: string;
  let shareCode: string;
  let imizuCode: string;

  beforeAll(async () => {
    partnerCa = await partnerCertificateAuthority();
    hook = await startSubscriberEndpoint({ tls: partnerCa.tls, authorization });
    t = await startTestSystem({
      workers: true,
      exchangeDelivery: {
        // Fast retries (the exchange's rule, shortened): 4 tries within about 2 s, then a dead letter.
        retry: { attempts: 4, baseDelayMs: 300, maxDelayMs: 1_200 },
        partnerCalls: { trustedCaPems: [partnerCa.ca.caCertificatePem] },
      },
    });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    base = t.system.exchange.fhirBaseUrl;
    // Himi's FHIR base is on the host its hook listens on (a hook must be on the partner's registered host).
    himi = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', `127.0.0.1:${hook.port}`);
    imizu = await registerSimulatedPartner(t, sa, '射水市多職種ネット', 'imizu.example');
    const roomId = await openRoomAs(t, hm);
    shareCode = (await issueShareCodeAs(t, hm, roomId, himi)).code;
    imizuCode = (await issueShareCodeAs(t, hm, roomId, imizu)).code;
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await hook?.stop();
    partnerCa?.remove();
  });

  const call = async (p: SimulatedPartner, method: string, path: string, body?: unknown) =>
    fhirRequest(base, method, path, { token: await partnerJwt(p, base), body });

  const subscription = (channel: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Subscription',
    meta: { profile: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription'] },
    status: 'requested',
    reason: 'our join Tasks',
    criteria: joinTaskStatusTopic,
    channel: {
      type: 'rest-hook',
      endpoint: hook.url,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: payloadContentExtension, valueCode: 'full-resource' }] },
      header: [`Authorization: ${authorization}`],
      ...channel,
    },
    ...extra,
  });

  /** A join Task from `p`, stored and known to rooms as a pending request. */
  async function pendingJoin(p: SimulatedPartner, code: string): Promise<{ taskId: string; requestId: string }> {
    const posted = await call(p, 'POST', '/Task', joinTaskFrom(p, code));
    expect(posted.status).toBe(201);
    const taskId = posted.json.id as string;
    const request = await eventually(
      async () =>
        ((await as(t, hm)(d.requests, { s: 'PENDING' })).data?.inboundJoinRequests ?? []).find(
          (r: { correlationId: string }) => r.correlationId === taskId,
        ),
      (r) => r !== undefined,
    );
    return { taskId, requestId: request.id };
  }

  const arrivalWith = (taskId: string, status: string) =>
    hook.arrivals.find((a) => a.tasks.some((task) => task.id === taskId && task.status === status));
  const allEventNumbers = () => hook.arrivals.flatMap((a) => a.eventNumbers);
  const counts = async () => ({
    subscriptions: await t.db.prisma.taskSubscription.count(),
    events: await t.db.prisma.integrationOutboxEvent.count(),
  });

  let subscriptionId: string;

  it('refuses what it does not offer, another partner’s Task and bad credentials, storing nothing', async () => {
    const imizuTask = (await pendingJoin(imizu, imizuCode)).taskId;
    const before = await counts();
    const refusals: Array<[string, unknown, number, string, string?]> = [
      ['not R4', { resourceType: 'Subscription', status: 'requested' }, 400, 'INVALID_RESOURCE'],
      [
        'another topic',
        subscription({}, { criteria: 'Task?status=completed' }),
        400,
        'BAD_REQUEST',
        'Subscription.criteria',
      ],
      [
        'http',
        subscription({ endpoint: `http://127.0.0.1:${hook.port}/h` }),
        400,
        'BAD_REQUEST',
        'Subscription.channel.endpoint',
      ],
      [
        'another host',
        subscription({ endpoint: 'https://10.1.2.3/h' }),
        400,
        'BAD_REQUEST',
        'Subscription.channel.endpoint',
      ],
      [
        'credentials in the URL',
        subscription({ endpoint: `https://u:p@127.0.0.1:${hook.port}/h` }),
        400,
        'BAD_REQUEST',
        'Subscription.channel.endpoint',
      ],
      ['another header', subscription({ header: ['Cookie: a=b'] }), 400, 'BAD_REQUEST', 'Subscription.channel.header'],
      [
        "another partner's Task",
        subscription(
          {},
          { _criteria: { extension: [{ url: filterCriteriaExtension, valueString: `Task?_id=${imizuTask}` }] } },
        ),
        400,
        'BAD_REQUEST',
        'Subscription.criteria',
      ],
    ];
    for (const [name, body, status, code, expression] of refusals) {
      const answer = await call(himi, 'POST', '/Subscription', body);
      expect({ name, status: answer.status, code: answer.json.issue[0].details.coding[0].code }).toEqual({
        name,
        status,
        code,
      });
      if (expression) expect(answer.json.issue[0].expression).toEqual([expression]);
    }
    const anonymous = await fhirRequest(base, 'POST', '/Subscription', { body: subscription() });
    expect(anonymous.status).toBe(401);
    expect(await counts()).toEqual(before);
  }, 30_000);

  it('needs system/Subscription.c for a SMART partner: not granted without asking, 403 without it', async () => {
    const smart = await registerSmartPartner(t, sa, `localhost:${hook.port}`);
    const tokenUrl = `${base}/token`;
    const token = async (scope?: string) =>
      (await requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl), scope))).json;
    const defaults = await token();
    expect(defaults.scope).toBe('system/Task.crus system/CareTeam.rs');
    const before = await counts();
    const refused = await fhirRequest(base, 'POST', '/Subscription', {
      token: defaults.access_token,
      body: subscription({ endpoint: `https://localhost:${hook.port}/hooks/renkei` }),
    });
    expect(refused.status).toBe(403);
    expect(refused.json.issue[0].details.coding[0].code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
    const granted = await token('system/Subscription.crd');
    expect(granted.scope).toBe('system/Subscription.crd');
    const created = await fhirRequest(base, 'POST', '/Subscription', {
      token: granted.access_token,
      body: subscription({ endpoint: `https://localhost:${hook.port}/hooks/renkei` }),
    });
    expect(created.status).toBe(201);
    expect(
      (await fhirRequest(base, 'DELETE', `/Subscription/${created.json.id}`, { token: granted.access_token })).status,
    ).toBe(204);
  }, 30_000);

  it('creates the subscription, shakes hands, and is the partner’s own', async () => {
    const created = await call(himi, 'POST', '/Subscription', subscription());
    expect(created.status).toBe(201);
    subscriptionId = created.json.id;
    expect(created.location).toBe(`Subscription/${subscriptionId}`);
    expect(validateR4(created.json)).toEqual({ valid: true });
    expect(JSON.stringify(created.json)).not.toContain(authorization);
    // The partner's secret for its endpoint is kept sealed: not in the row, and it opens for this subscription only.
    const stored = await t.db.prisma.taskSubscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(JSON.stringify(stored)).not.toContain('hook-secret');
    expect(openSubscriptionHeaders(t.system.partnerKeys, stored)).toEqual([`Authorization: ${authorization}`]);
    expect(() => openSubscriptionHeaders(t.system.partnerKeys, { ...stored, id: randomUUID() })).toThrow();
    const handshake = await eventually(
      async () =>
        hook.arrivals.find(
          (a) =>
            a.type === 'handshake' &&
            a.bundle.entry[0].resource.parameter[0].valueReference.reference ===
              `${base}/Subscription/${subscriptionId}`,
        ),
      (a) => a !== undefined,
    );
    expect(validateR4(handshake!.bundle)).toEqual({ valid: true });
    expect(handshake!.bundle.type).toBe('history');
    const read = await eventually(
      () => call(himi, 'GET', `/Subscription/${subscriptionId}`),
      (r) => r.json.status === 'active',
    );
    expect(read.json).toMatchObject({ status: 'active', criteria: joinTaskStatusTopic });
    // Another partner: the same 404 as an unknown id, for reading and deleting.
    expect((await call(imizu, 'GET', `/Subscription/${subscriptionId}`)).status).toBe(404);
    expect((await call(imizu, 'DELETE', `/Subscription/${subscriptionId}`)).status).toBe(404);
    expect((await call(himi, 'GET', '/Subscription/not-an-id')).status).toBe(404);
    const metadata = await fhirRequest(base, 'GET', '/metadata');
    expect(JSON.stringify(metadata.json)).toContain(joinTaskStatusTopic);
  }, 30_000);

  it('seals the channel headers an earlier version stored in clear, once', async () => {
    const id = randomUUID();
    await t.db.prisma.taskSubscription.create({
      data: {
        id,
        partnerId: himi.id,
        status: 'OFF',
        endpoint: hook.url,
        headers: ['Authorization: Bearer stored-in-clear'],
        payloadContent: 'ID_ONLY',
        reason: 'before sealing',
      },
    });
    expect(await sealClearSubscriptionHeaders(t.db.prisma, t.system.partnerKeys)).toBe(1);
    const sealed = await t.db.prisma.taskSubscription.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(sealed)).not.toContain('stored-in-clear');
    expect(openSubscriptionHeaders(t.system.partnerKeys, sealed)).toEqual(['Authorization: Bearer stored-in-clear']);
    // The next start finds nothing left in clear, and the sealed subscription above is untouched.
    expect(await sealClearSubscriptionHeaders(t.db.prisma, t.system.partnerKeys)).toBe(0);
    await t.db.prisma.taskSubscription.delete({ where: { id } });
  });

  it('delivers each status change of the partner’s Task in order, and none of another partner’s', async () => {
    const { taskId, requestId } = await pendingJoin(himi, shareCode);
    const other = await pendingJoin(imizu, imizuCode);
    expect((await as(t, hm)(d.approve, { id: requestId })).data?.approveInboundJoin.status).toBe('APPROVED');
    expect((await as(t, hm)(d.approve, { id: other.requestId })).data?.approveInboundJoin.status).toBe('APPROVED');
    await eventually(
      async () => arrivalWith(taskId, 'completed'),
      (a) => a !== undefined,
    );
    const notifications = hook.arrivals.filter((a) => a.type === 'event-notification');
    expect(notifications.flatMap((a) => a.eventNumbers)).toEqual([1, 2]);
    for (const n of notifications) expect(validateR4(n.bundle)).toEqual({ valid: true });
    expect(hook.arrivals.flatMap((a) => a.tasks.map((task) => task.id))).not.toContain(other.taskId);
    expect(hook.unauthorized).toBe(0);
  }, 30_000);

  it('delivers what happened while the endpoint was down once it is back, each event once', async () => {
    const { taskId, requestId } = await pendingJoin(himi, shareCode);
    await hook.goDown();
    await as(t, hm)(d.reject, { id: requestId, reason: '定員のため' });
    // A positive signal that a delivery failed: the subscription records the transport error.
    await eventually(
      () => t.db.prisma.taskSubscription.findUnique({ where: { id: subscriptionId } }),
      (s) => s?.lastErrorCode === 'CONNECTION_REFUSED',
    );
    await hook.comeBack();
    await eventually(
      async () => arrivalWith(taskId, 'rejected'),
      (a) => a !== undefined,
      15_000,
    );
    expect(allEventNumbers()).toEqual([1, 2, 3]);
  }, 30_000);

  it('goes to error after the dead letter and back to active, delivering everything pending once', async () => {
    const first = await pendingJoin(himi, shareCode);
    const second = await pendingJoin(himi, shareCode);
    await hook.goDown();
    await as(t, hm)(d.reject, { id: first.requestId, reason: '定員のため' });
    const errored = await eventually(
      () => call(himi, 'GET', `/Subscription/${subscriptionId}`),
      (r) => r.json.status === 'error',
      15_000,
    );
    expect(errored.json.error).toBe('delivery failed: CONNECTION_REFUSED');
    // The processor marks the subscription `error` before it throws; the worker writes the dead letter just after.
    const letters = await eventually(
      () => t.db.prisma.exchangeDeadLetter.findMany({ where: { queue: 'task-subscription-notify' } }),
      (found) => found.length > 0,
      10_000,
    );
    expect(letters.length).toBeGreaterThan(0);
    await hook.comeBack();
    // The next change delivers what the dead letter left, then itself, in order.
    await as(t, hm)(d.reject, { id: second.requestId, reason: '定員のため' });
    await eventually(
      async () => arrivalWith(second.taskId, 'rejected'),
      (a) => a !== undefined,
      15_000,
    );
    expect(allEventNumbers()).toEqual([1, 2, 3, 4, 5]);
    expect(arrivalWith(first.taskId, 'rejected')).toBeDefined();
    expect((await call(himi, 'GET', `/Subscription/${subscriptionId}`)).json.status).toBe('active');
  }, 40_000);

  // Decisions come in a burst, one every 200 ms (far more than managers decide), each timed from
  // the moment its mutation answered (the decision committed) to the notification's arrival.
  it('delivers 95% of status changes within 5 s of the decision (measured)', async () => {
    const joins = await Promise.all(Array.from({ length: 20 }, () => pendingJoin(himi, shareCode)));
    const measured = await Promise.all(
      joins.map(async ({ taskId, requestId }, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 200));
        const approve = i % 2 === 0;
        const asked = Date.now();
        if (approve) await as(t, hm)(d.approve, { id: requestId });
        else await as(t, hm)(d.reject, { id: requestId, reason: '定員のため' });
        const decided = Date.now();
        // The first change the decision causes (accepted, or rejected); completed may come in the same notification.
        const arrival = await eventually(
          async () => arrivalWith(taskId, approve ? 'accepted' : 'rejected') ?? arrivalWith(taskId, 'completed'),
          (a) => a !== undefined,
          15_000,
        );
        const at = arrival?.at ?? Infinity;
        return { fromDecision: at - decided, fromRequest: at - asked };
      }),
    );
    const stats = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        median: sorted[Math.floor(sorted.length / 2)]!,
        p95: sorted[Math.ceil(0.95 * sorted.length) - 1]!,
        max: sorted[sorted.length - 1]!,
        all: sorted,
      };
    };
    const fromDecision = stats(measured.map((m) => m.fromDecision));
    const fromRequest = stats(measured.map((m) => m.fromRequest));
    console.log(
      [
        `subscription delivery, ${measured.length} decisions one every 200 ms:`,
        `  from the decision committed: median ${fromDecision.median} ms, p95 ${fromDecision.p95} ms, max ${fromDecision.max} ms (${fromDecision.all.join(', ')})`,
        `  from the manager's request:  median ${fromRequest.median} ms, p95 ${fromRequest.p95} ms, max ${fromRequest.max} ms`,
      ].join('\n'),
    );
    expect(fromDecision.p95).toBeLessThan(5_000);
    // Still once each, in order.
    const numbers = allEventNumbers();
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  }, 60_000);

  it('re-drives a subscription whose delivery job was lost (Redis lost its data)', async () => {
    // As if Redis lost the job of a numbered event: the event is pending and nothing was tried for hours.
    const sub = (await t.db.prisma.taskSubscription.findUnique({ where: { id: subscriptionId } }))!;
    const task = (await t.db.prisma.inboundTask.findFirst({ where: { partnerId: himi.id } }))!;
    const next = sub.eventsIssued + 1;
    const longAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await t.db.prisma.$transaction([
      t.db.prisma.taskSubscription.update({
        where: { id: subscriptionId },
        data: { eventsIssued: next, updatedAt: longAgo },
      }),
      t.db.prisma.taskSubscriptionEvent.create({
        data: { subscriptionId, eventNumber: next, taskId: task.id, status: task.status, occurredAt: longAgo },
      }),
    ]);
    await taskSubscriptionRedrive.process(
      {},
      { id: 'redrive-test' } as Job,
      {
        inbound: t.db.prisma,
        logger: silentLogger,
      } as unknown as DepsWith<'inbound'>,
    );
    await eventually(async () => allEventNumbers().includes(next), Boolean);
    const numbers = allEventNumbers();
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  }, 30_000);

  it('stops delivering once deleted', async () => {
    expect((await call(himi, 'DELETE', `/Subscription/${subscriptionId}`)).status).toBe(204);
    expect((await call(himi, 'GET', `/Subscription/${subscriptionId}`)).status).toBe(404);
    expect(await t.db.prisma.taskSubscription.count({ where: { id: subscriptionId } })).toBe(0);
  });
});
