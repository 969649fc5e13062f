import { generateKeyPairSync } from 'node:crypto';
import { capabilityStatement } from '../fhir/capability-statement';
import { notificationBundle, parseSubscription } from '../fhir/subscriptions/subscription-rules';
import { validateR4 } from '../fhir/validator';
import {
  echoesSecret,
  notificationEndpoint,
  notificationSecret,
  partnerSubscriptionUsable,
  pushOfferOf,
  readNotification,
  subscriptionFor,
} from './outbound-subscription-rules';

const topic = 'urn:renkei:subscription-topic:join-task-status';
const subscriptionId = '7c1d2e3f-4a5b-4c6d-8e7f-000000000001';
const partnerTaskId = '0b9e2c3a-5f7d-4e21-9a7b-2f1c3d4e5f60';

const withSubscriptionResource = (resource: Record<string, unknown>) => ({
  resourceType: 'CapabilityStatement',
  rest: [{ mode: 'server', resource: [{ type: 'Task' }, { type: 'Subscription', ...resource }] }],
});
const topicExtension = {
  url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical',
  valueCanonical: topic,
};

describe('pushOfferOf: does a partner offer push for our join Tasks?', () => {
  it('finds our topic in the CapabilityStatement this software serves', () => {
    expect(pushOfferOf(capabilityStatement('https://himi.example/fhir', new Date()))).toEqual({ topic });
  });

  it.each([
    ['no Subscription resource', { resourceType: 'CapabilityStatement', rest: [{ mode: 'server', resource: [] }] }],
    ['a Subscription without topics (R4 criteria subscriptions)', withSubscriptionResource({})],
    [
      'another topic only',
      withSubscriptionResource({ extension: [{ ...topicExtension, valueCanonical: 'http://example.org/topic/x' }] }),
    ],
    [
      'a Subscription that cannot be created',
      withSubscriptionResource({ extension: [topicExtension], interaction: [{ code: 'read' }] }),
    ],
    ['a client CapabilityStatement', { resourceType: 'CapabilityStatement', rest: [{ mode: 'client' }] }],
    ['not a CapabilityStatement', { resourceType: 'OperationOutcome' }],
    ['not JSON at all', 'html'],
  ])('says no for %s', (_name, body) => {
    expect(pushOfferOf(body)).toBeNull();
  });

  it('takes a Subscription with our topic and create among its interactions', () => {
    expect(
      pushOfferOf(withSubscriptionResource({ extension: [topicExtension], interaction: [{ code: 'create' }] })),
    ).toEqual({ topic });
  });
});

describe('the Subscription we create at a partner', () => {
  const secret = 'c2VjcmV0';
  const body = subscriptionFor({
    topic,
    ourFhirBaseUrl: 'https://renkei.example/fhir/',
    subscriptionId,
    partnerTaskId,
    secret,
  });

  it('is valid R4 and what our own server accepts from a partner registered at our host', () => {
    expect(validateR4(body)).toEqual({ valid: true });
    expect(parseSubscription(body, { fhirBaseUrl: 'https://renkei.example/fhir' })).toEqual({
      ok: true,
      value: {
        endpoint: `https://renkei.example/fhir/subscription-notifications/${subscriptionId}`,
        headers: [`Authorization: Bearer ${secret}`],
        payloadContent: 'ID_ONLY',
        taskId: partnerTaskId,
        reason: 'status of our join Task',
      },
    });
  });

  it('names our notification endpoint under our FHIR base URL', () => {
    expect(notificationEndpoint('https://renkei.example/fhir', subscriptionId)).toBe(
      `https://renkei.example/fhir/subscription-notifications/${subscriptionId}`,
    );
  });
});

describe('the notification secret', () => {
  const key = generateKeyPairSync('ed25519').privateKey;
  const other = generateKeyPairSync('ed25519').privateKey;

  it('is the same for a subscription every time, and differs per subscription and per key', () => {
    const secret = notificationSecret(key, subscriptionId);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(notificationSecret(key, subscriptionId)).toBe(secret);
    expect(notificationSecret(key, partnerTaskId)).not.toBe(secret);
    expect(notificationSecret(other, subscriptionId)).not.toBe(secret);
  });

  it('must come back as a bearer value, exactly', () => {
    const secret = notificationSecret(key, subscriptionId);
    expect(echoesSecret(`Bearer ${secret}`, secret)).toBe(true);
    expect(echoesSecret(`bearer  ${secret}`, secret)).toBe(true);
    expect(echoesSecret(secret, secret)).toBe(false);
    expect(echoesSecret(`Bearer ${secret}x`, secret)).toBe(false);
    expect(echoesSecret('Bearer ', secret)).toBe(false);
    expect(echoesSecret(undefined, secret)).toBe(false);
  });
});

describe('readNotification', () => {
  const stored = { id: subscriptionId, payloadContent: 'ID_ONLY' as const };
  const bundle = (type: 'handshake' | 'event-notification', taskIds: string[] = []) =>
    notificationBundle({
      fhirBaseUrl: 'https://himi.example/fhir',
      subscription: stored,
      status: 'active',
      type,
      eventsSinceStart: taskIds.length,
      events: taskIds.map((taskId, i) => ({ eventNumber: i + 1, occurredAt: new Date(), taskId })),
      at: new Date(),
    });

  it('reads what our own server sends: its type and the Tasks its events are about', () => {
    expect(readNotification(bundle('handshake'))).toEqual({ ok: true, value: { kind: 'handshake', focusTaskIds: [] } });
    expect(readNotification(bundle('event-notification', [partnerTaskId]))).toEqual({
      ok: true,
      value: { kind: 'event-notification', focusTaskIds: [partnerTaskId] },
    });
  });

  it.each([
    ['not a Bundle', { resourceType: 'Task' }, 'Bundle'],
    ['a searchset', { resourceType: 'Bundle', type: 'searchset' }, 'Bundle.type'],
    ['no status first', { resourceType: 'Bundle', type: 'history', entry: [] }, 'Bundle.entry[0].resource'],
    [
      'an unknown type',
      {
        resourceType: 'Bundle',
        type: 'history',
        entry: [{ resource: { resourceType: 'Parameters', parameter: [{ name: 'type', valueCode: 'gossip' }] } }],
      },
      'Bundle.entry[0].resource.parameter',
    ],
  ])('refuses %s, naming the element', (_name, body, expression) => {
    expect(readNotification(body)).toMatchObject({ ok: false, expression });
  });
});

describe('partnerSubscriptionUsable', () => {
  it('takes active and requested, not error or off', () => {
    expect(partnerSubscriptionUsable({ status: 'active' })).toBe(true);
    expect(partnerSubscriptionUsable({ status: 'requested' })).toBe(true);
    expect(partnerSubscriptionUsable({ status: 'error' })).toBe(false);
    expect(partnerSubscriptionUsable({ status: 'off' })).toBe(false);
  });
});
