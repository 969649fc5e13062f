// Our subscriptions at partners (contract v2 push, the requester side), as
// pure rules: whether a partner's CapabilityStatement offers push for our
// join Tasks' status (the HL7 FHIR R4 Subscriptions Backport: a Subscription
// resource whose capabilitystatement-subscriptiontopic-canonical extension
// names a Task-status topic we know), the Subscription we create there, the
// secret it must echo, and what a notification it sends us says.
//
// Why the notification is only a hint: it is a partner's unsigned word that
// something changed. We never record a status from it; it makes us read the
// Task at once, through the normal authenticated client, which is what we
// record (so a forged or replayed notification can at worst cause a read).
//
// Why the secret is derived rather than stored: HKDF over our exchange key
// and the subscription's id gives the same value to every retry of the
// create job and to the notification endpoint, in every worker, without a
// secret at rest in the database or in a job payload.
import { createHash, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import {
  backportSubscriptionProfile,
  filterCriteriaExtension,
  joinTaskStatusTopic,
  payloadContentExtension,
  topicCanonicalExtension,
} from '../fhir/subscriptions/subscription-rules';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The Task-status topics we know how to subscribe to: ours, which every
 * installation of this software serves. A partner offering another topic for
 * Task status would need its canonical here (and its filter checked).
 */
export const knownTaskStatusTopics: readonly string[] = [joinTaskStatusTopic];

/** What a CapabilityStatement says about push: the topic to subscribe to, or null (none we can use). */
export function pushOfferOf(capabilityStatement: unknown): { topic: string } | null {
  if (!isObject(capabilityStatement) || capabilityStatement.resourceType !== 'CapabilityStatement') return null;
  for (const rest of listOf(capabilityStatement.rest)) {
    if (!isObject(rest) || rest.mode !== 'server') continue;
    for (const resource of listOf(rest.resource)) {
      if (!isObject(resource) || resource.type !== 'Subscription') continue;
      // Where interactions are listed, creating (and so subscribing) must be among them.
      const interactions = listOf(resource.interaction).map((i) => (isObject(i) ? i.code : undefined));
      if (interactions.length > 0 && !interactions.includes('create')) continue;
      const topics = listOf(resource.extension)
        .filter((e) => isObject(e) && e.url === topicCanonicalExtension)
        .map((e) => (e as Json).valueCanonical);
      const topic = knownTaskStatusTopics.find((known) => topics.includes(known));
      if (topic) return { topic };
    }
  }
  return null;
}

/** Where a partner notifies us about one of our subscriptions: on our own FHIR endpoint. */
export function notificationEndpoint(ourFhirBaseUrl: string, subscriptionId: string): string {
  return `${ourFhirBaseUrl.replace(/\/+$/, '')}/subscription-notifications/${subscriptionId}`;
}

/** The secret the partner echoes in `Authorization: Bearer <secret>` (see the header). */
export function notificationSecret(exchangeKey: KeyObject, subscriptionId: string): string {
  const material = exchangeKey.export({ format: 'der', type: 'pkcs8' });
  const derived = hkdfSync('sha256', material, 'renkei outbound subscription', subscriptionId, 32);
  return Buffer.from(derived).toString('base64url');
}

/** Whether an Authorization header carries this subscription's secret (constant time). */
export function echoesSecret(authorization: string | undefined, secret: string): boolean {
  const match = /^Bearer[ \t]+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (!match) return false;
  // Hashing both sides first makes their lengths equal, as timingSafeEqual needs.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1] as string), digest(secret));
}

export interface OutboundSubscriptionRequest {
  topic: string;
  ourFhirBaseUrl: string;
  subscriptionId: string;
  partnerTaskId: string;
  secret: string;
}

/**
 * The Subscription we POST at the partner: the backport profile, its topic
 * filtered to our one Task, a rest-hook to our endpoint with the secret as
 * its Authorization header, id-only payload (we read the Task ourselves
 * anyway), no end and no heartbeat (our own server offers neither).
 */
export function subscriptionFor(request: OutboundSubscriptionRequest): Json {
  return {
    resourceType: 'Subscription',
    meta: { profile: [backportSubscriptionProfile] },
    status: 'requested',
    reason: 'status of our join Task',
    criteria: request.topic,
    _criteria: { extension: [{ url: filterCriteriaExtension, valueString: `Task?_id=${request.partnerTaskId}` }] },
    channel: {
      type: 'rest-hook',
      endpoint: notificationEndpoint(request.ourFhirBaseUrl, request.subscriptionId),
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: payloadContentExtension, valueCode: 'id-only' }] },
      header: [`Authorization: Bearer ${request.secret}`],
    },
  };
}

/** What the partner says of our Subscription when we read it: still usable, or broken/gone. */
export function partnerSubscriptionUsable(subscription: Json): boolean {
  return subscription.status === 'active' || subscription.status === 'requested';
}

export type NotificationKind = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';

export interface ReadNotification {
  kind: NotificationKind;
  /** The ids of the Tasks the events are about (focus references, Task/<id> at the end). */
  focusTaskIds: string[];
}

const notificationKinds: readonly string[] = [
  'handshake',
  'heartbeat',
  'event-notification',
  'query-status',
  'query-event',
];

/**
 * A notification Bundle (R4 backport: history, the first entry a
 * subscription-status Parameters): its type and the Tasks its events focus
 * on, or a problem naming the element. Nothing else in it is believed.
 */
export function readNotification(
  body: unknown,
): { ok: true; value: ReadNotification } | { ok: false; message: string; expression: string } {
  if (!isObject(body) || body.resourceType !== 'Bundle')
    return { ok: false, message: 'a notification is a Bundle', expression: 'Bundle' };
  if (body.type !== 'history')
    return { ok: false, message: 'a notification Bundle is of type history', expression: 'Bundle.type' };
  const first = listOf(body.entry)[0];
  const status = isObject(first) ? first.resource : undefined;
  if (!isObject(status) || status.resourceType !== 'Parameters')
    return {
      ok: false,
      message: 'the first entry must be the subscription status Parameters',
      expression: 'Bundle.entry[0].resource',
    };
  const parameters = listOf(status.parameter).filter(isObject);
  const kind = parameters.find((p) => p.name === 'type')?.valueCode;
  if (typeof kind !== 'string' || !notificationKinds.includes(kind))
    return {
      ok: false,
      message: 'the status Parameters name no notification type',
      expression: 'Bundle.entry[0].resource.parameter',
    };
  const focusTaskIds = parameters
    .filter((p) => p.name === 'notification-event')
    .flatMap((p) => listOf(p.part).filter(isObject))
    .filter((part) => part.name === 'focus' && isObject(part.valueReference))
    .map((part) => (part.valueReference as Json).reference)
    .map((reference) =>
      typeof reference === 'string' ? /(?:^|\/)Task\/([A-Za-z0-9\-.]{1,64})$/.exec(reference) : null,
    )
    .flatMap((match) => (match ? [match[1] as string] : []));
  return { ok: true, value: { kind: kind as NotificationKind, focusTaskIds } };
}
