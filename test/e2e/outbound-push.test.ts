// Contract v2 push, outbound (Art. 20-3): we subscribe to our join Task at a
// partner that offers the Subscriptions Backport, and its notification makes
// us read the Task at once. On the real gateway, PostgreSQL, Redis, outbox
// relay and workers, against the mock partner (test/support/mock-partner.ts)
// with `subscriptions`. The first part polls once a minute, so a decision
// recorded within seconds can only have come by push; the second polls fast
// and shows that polling still completes a request when the partner offers
// no push, refuses or fails our subscription, or is registered without it.
import { joinTaskStatusTopic } from '../../adapters/fhir/subscriptions/subscription-rules';
import { notificationSecret } from '../../adapters/partner/outbound-subscription-rules';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import { approvedRequest, ourClientId, registerPartner } from '../support/mock-partner-fixtures';
import { startOutboundTestbed, type OutboundTestbed } from '../support/outbound-testbed';

type Bed = OutboundTestbed<MockPartner>;

const request = (bed: Bed, id: string) => bed.t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } });
const subscriptionOf = (bed: Bed, requestId: string) =>
  bed.t.db.prisma.outboundSubscription.findUnique({ where: { requestId } });
let codes = 0;
const shareCode = () => `push-${Date.now().toString(36)}-${(codes += 1)}`;

/** Asks, confirms and approves a join, then waits until the partner holds its Task; returns both ids. */
async function sentRequest(bed: Bed, partnerId: string): Promise<{ id: string; taskId: string }> {
  const id = await approvedRequest(bed.t.graphqlUrl, bed.actors, partnerId, shareCode());
  const sent = await eventually(
    () => request(bed, id),
    (r) => r.exchangeStatus === 'RECEIVED' && r.partnerTaskId !== null,
    15_000,
  );
  if (!sent.partnerTaskId) throw new Error('the request was not sent');
  return { id, taskId: sent.partnerTaskId };
}

describe('Outbound push: a partner that offers subscriptions', () => {
  let bed: Bed;
  const pollDelayMs = 60_000;

  beforeAll(async () => {
    bed = await startOutboundTestbed({
      partner: (tls, _ca, system) =>
        startMockPartner({
          tls,
          ourJwk: system.system.exchange.key.publicJwk,
          ourClientId,
          subscriptions: { topic: joinTaskStatusTopic },
        }),
      // Polling once a minute: only a notification can bring a decision within seconds.
      partnerCalls: {
        timeoutMs: 2_000,
        poll: { firstDelayMs: pollDelayMs, maxDelayMs: pollDelayMs },
        syncStaleMs: pollDelayMs,
        push: { subscribedPollDelayMs: pollDelayMs, offerCacheMs: pollDelayMs },
      },
      retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 400 },
    });
  });

  afterAll(() => bed.stop());

  /**
   * Waits until our subscription for the request is ACTIVE (the partner's handshake reached us) and
   * knows the partner's id for it: a partner may send the handshake before answering our POST, so
   * either can come first (outbound-subscriptions.ts records the id in both orders).
   */
  const activeSubscription = async (requestId: string) => {
    const subscription = await eventually(
      () => subscriptionOf(bed, requestId),
      (s) => s?.status === 'ACTIVE' && s.partnerSubscriptionId !== null,
      15_000,
    );
    expect(subscription).toMatchObject({ status: 'ACTIVE', partnerId: bed.partnerId });
    return subscription!;
  };

  it("subscribes to our Task at the partner, and the partner's decision reaches us within 5 s with polling a minute apart", async () => {
    const delays: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const { id, taskId } = await sentRequest(bed, bed.partnerId);
      const subscription = await activeSubscription(id);
      // What the partner was asked for: our topic, our one Task, a rest-hook on our FHIR endpoint with a bearer secret.
      const atPartner = bed.partner.subscriptions.get(subscription.partnerSubscriptionId!)!;
      expect(atPartner.body).toMatchObject({
        resourceType: 'Subscription',
        criteria: joinTaskStatusTopic,
        channel: {
          type: 'rest-hook',
          endpoint: `${bed.t.system.exchange.fhirBaseUrl}/subscription-notifications/${subscription.id}`,
        },
      });
      expect(atPartner.taskId).toBe(taskId);
      expect(atPartner.authorization).toBe(
        `Bearer ${notificationSecret(bed.t.system.exchange.key.privateKey, subscription.id)}`,
      );
      // Our row turns ACTIVE before our 204 reaches the partner, which records the answer only then.
      const handshake = { subscriptionId: atPartner.id, type: 'handshake', answered: 204 };
      await eventually(
        async () => bed.partner.notifications,
        (notifications) =>
          notifications.some((n) => n.subscriptionId === atPartner.id && n.type === 'handshake' && n.answered === 204),
        5_000,
      );
      expect(bed.partner.notifications).toContainEqual(handshake);

      bed.partner.careTeams.set(`team-${round}`, { status: 'active', participants: [] });
      const decided = Date.now();
      await bed.partner.decide(taskId, { status: 'completed', careTeamId: `team-${round}` });
      const done = await eventually(
        () => request(bed, id),
        (r) => r.exchangeStatus === 'COMPLETED',
        10_000,
      );
      delays.push(Date.now() - decided);
      expect(done.exchangeStatus).toBe('COMPLETED');
      expect(bed.partner.notifications).toContainEqual({
        subscriptionId: atPartner.id,
        type: 'event-notification',
        answered: 204,
      });
      // Final: the subscription is removed at the partner.
      const ended = await eventually(
        () => subscriptionOf(bed, id),
        (s) => s?.status === 'ENDED',
        10_000,
      );
      expect(ended?.status).toBe('ENDED');
      expect(atPartner.deleted).toBe(true);
    }
    // The figures, for the README: every one far below the minute the poll would have taken.
    process.stdout.write(`outbound push: decision to our record ${delays.map((d) => `${d} ms`).join(', ')}\n`);
    for (const delay of delays) {
      expect(delay).toBeLessThan(5_000);
      expect(delay).toBeLessThan(pollDelayMs / 10);
    }
  }, 90_000);

  it('refuses a notification with a wrong or missing secret, or for an unknown subscription, changing nothing', async () => {
    const { id, taskId } = await sentRequest(bed, bed.partnerId);
    const subscription = await activeSubscription(id);
    const endpoint = `${bed.t.system.exchange.fhirBaseUrl}/subscription-notifications/${subscription.id}`;
    const notification = {
      resourceType: 'Bundle',
      type: 'history',
      entry: [
        {
          resource: {
            resourceType: 'Parameters',
            parameter: [
              { name: 'type', valueCode: 'event-notification' },
              {
                name: 'notification-event',
                part: [{ name: 'focus', valueReference: { reference: `${bed.partner.url}/Task/${taskId}` } }],
              },
            ],
          },
        },
      ],
    };
    const post = async (url: string, authorization: string | undefined, body: unknown = notification) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/fhir+json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const notifiedEvents = () =>
      bed.t.db.prisma.integrationOutboxEvent.count({ where: { type: 'outbound-subscription.notified' } });
    const before = { events: await notifiedEvents(), reads: bed.partner.reads.length };
    const secret = notificationSecret(bed.t.system.exchange.key.privateKey, subscription.id);

    const wrong = await post(endpoint, 'Bearer not-the-secret');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'login', details: { coding: [{ code: 'UNAUTHENTICATED' }] } }],
    });
    expect((await post(endpoint, undefined)).status).toBe(401);
    // Another subscription's secret is as wrong as any other.
    expect(
      (await post(endpoint, `Bearer ${notificationSecret(bed.t.system.exchange.key.privateKey, taskId)}`)).status,
    ).toBe(401);
    const unknown = await post(
      `${bed.t.system.exchange.fhirBaseUrl}/subscription-notifications/00000000-0000-4000-8000-000000000000`,
      `Bearer ${secret}`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.issue[0].details.coding[0].code).toBe('NOT_FOUND');
    expect((await post(`${bed.t.system.exchange.fhirBaseUrl}/subscription-notifications/x`, undefined)).status).toBe(
      404,
    );
    // The right secret with a body that is not a notification: 400 naming the element.
    const malformed = await post(endpoint, `Bearer ${secret}`, { resourceType: 'Bundle', type: 'searchset' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.issue[0].expression).toEqual(['Bundle.type']);

    // Nothing changed: no read was triggered, the request still waits, the subscription is as it was.
    expect(await notifiedEvents()).toBe(before.events);
    expect(bed.partner.reads.length).toBe(before.reads);
    expect((await request(bed, id)).exchangeStatus).toBe('RECEIVED');
    expect(await subscriptionOf(bed, id)).toMatchObject({
      status: 'ACTIVE',
      lastNotifiedAt: subscription.lastNotifiedAt,
    });

    // The partner's own notification still works: a rejection arrives by push.
    await bed.partner.decide(taskId, { status: 'rejected', statusReason: 'the room is full' });
    const rejected = await eventually(
      () => request(bed, id),
      (r) => r.exchangeStatus === 'REJECTED',
      10_000,
    );
    expect(rejected).toMatchObject({ exchangeStatus: 'REJECTED', exchangeReason: 'the room is full' });
  }, 60_000);
});

describe('Outbound push: polling completes without it', () => {
  let bed: Bed;
  let pushing: MockPartner;
  let pushingId: string;

  beforeAll(async () => {
    bed = await startOutboundTestbed({
      // The testbed's partner offers no push; a second one (same CA) offers it and is made to fail.
      partner: async (tls, _ca, system) => {
        const ourJwk = system.system.exchange.key.publicJwk;
        pushing = await startMockPartner({ tls, ourJwk, ourClientId, subscriptions: { topic: joinTaskStatusTopic } });
        return startMockPartner({ tls, ourJwk, ourClientId });
      },
      partnerCalls: {
        timeoutMs: 2_000,
        poll: { firstDelayMs: 150, maxDelayMs: 400 },
        syncStaleMs: 60_000,
        // Subscribed, the poll waits a second: long against 150 ms, short enough to see it notice a broken subscription.
        push: { subscribedPollDelayMs: 1_000, offerCacheMs: 60_000 },
      },
      retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 400 },
    });
    pushingId = await registerPartner(bed.t.db.prisma, pushing.url, bed.actors.sa.userId);
  });

  afterAll(async () => {
    await bed.stop();
    await pushing.stop();
  });

  const completesByPolling = async (partner: MockPartner, id: string, taskId: string) => {
    partner.careTeams.set('polled-team', { status: 'active', participants: [] });
    await partner.decide(taskId, { status: 'completed', careTeamId: 'polled-team' });
    const done = await eventually(
      () => request(bed, id),
      (r) => r.exchangeStatus === 'COMPLETED',
      15_000,
    );
    expect(done.exchangeStatus).toBe('COMPLETED');
  };

  it('a partner without subscriptions: remembered as offering none, and the request completes by polling', async () => {
    const { id, taskId } = await sentRequest(bed, bed.partnerId);
    const subscription = await eventually(
      () => subscriptionOf(bed, id),
      (s) => s?.status === 'NOT_OFFERED',
      10_000,
    );
    expect(subscription?.status).toBe('NOT_OFFERED');
    expect(await bed.t.db.prisma.partnerPushOffer.findUnique({ where: { partnerId: bed.partnerId } })).toMatchObject({
      offered: false,
      topic: null,
    });
    expect(bed.partner.subscriptions.size).toBe(0);
    await completesByPolling(bed.partner, id, taskId);
  }, 40_000);

  it('a partner that refuses our subscription, or keeps failing it: ERROR, and polling completes the request', async () => {
    pushing.behavior.subscribe = 'refuse';
    const refused = await sentRequest(bed, pushingId);
    const afterRefusal = await eventually(
      () => subscriptionOf(bed, refused.id),
      (s) => s?.status === 'ERROR',
      10_000,
    );
    expect(afterRefusal).toMatchObject({ status: 'ERROR', lastErrorCode: 'REFUSED', partnerSubscriptionId: null });
    await completesByPolling(pushing, refused.id, refused.taskId);

    pushing.behavior.subscribe = 'server-error';
    const failing = await sentRequest(bed, pushingId);
    const afterRetries = await eventually(
      () => subscriptionOf(bed, failing.id),
      (s) => s?.status === 'ERROR',
      15_000,
    );
    expect(afterRetries).toMatchObject({ status: 'ERROR', lastErrorCode: 'HTTP_503' });
    // Its dead letter, as for every exchange job that runs out of attempts. The job marks the subscription ERROR
    // before BullMQ records it as failed, so the letter is waited for.
    const letters = await eventually(
      () => graphql(bed.t.graphqlUrl, 'query { exchangeDeadLetters { queue errorCode } }', {}, bed.actors.sa.headers),
      (answer) =>
        (answer.data?.exchangeDeadLetters as Array<{ queue: string }> | undefined)?.some(
          (letter) => letter.queue === 'outbound-subscription',
        ) ?? false,
      10_000,
    );
    expect(letters.data?.exchangeDeadLetters).toContainEqual({ queue: 'outbound-subscription', errorCode: 'HTTP_503' });
    await completesByPolling(pushing, failing.id, failing.taskId);
    expect([...pushing.subscriptions.values()]).toHaveLength(0);
  }, 60_000);

  it('a subscription the partner reports broken: ERROR, the poll back at its pace, and polling completes the request', async () => {
    pushing.behavior.subscribe = 'normal';
    const { id, taskId } = await sentRequest(bed, pushingId);
    // Both the handshake and the partner's id for it (either may arrive first).
    const active = await eventually(
      () => subscriptionOf(bed, id),
      (s) => s?.status === 'ACTIVE' && s.partnerSubscriptionId !== null,
      10_000,
    );
    expect(active?.status).toBe('ACTIVE');
    // The partner's deliveries fail from now on (as ours mark a subscription after a dead letter): it notifies nobody.
    pushing.subscriptions.get(active!.partnerSubscriptionId!)!.status = 'error';
    const broken = await eventually(
      () => subscriptionOf(bed, id),
      (s) => s?.status === 'ERROR',
      10_000,
    );
    expect(broken).toMatchObject({ status: 'ERROR', lastErrorCode: 'PARTNER_SUBSCRIPTION_ERROR' });
    const notified = pushing.notifications.length;
    await completesByPolling(pushing, id, taskId);
    expect(pushing.notifications.length).toBe(notified);
  }, 40_000);

  it('a partner registered with subscribeAtPartner false is only polled', async () => {
    pushing.behavior.subscribe = 'normal';
    const updated = await graphql(
      bed.t.graphqlUrl,
      // The fixture registered it without any way to call us; the registry wants one whenever a partner changes.
      'mutation($id: ID!, $f: [String!]) { updatePartner(id: $id, input: { subscribeAtPartner: false, certificateFingerprints: $f }) { subscribeAtPartner } }',
      { id: pushingId, f: ['ab'.repeat(32)] },
      bed.actors.sa.headers,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updatePartner).toEqual({ subscribeAtPartner: false });
    const before = pushing.subscriptions.size;
    const { id, taskId } = await sentRequest(bed, pushingId);
    await completesByPolling(pushing, id, taskId);
    expect(await subscriptionOf(bed, id)).toBeNull();
    expect(pushing.subscriptions.size).toBe(before);
  }, 40_000);
});
