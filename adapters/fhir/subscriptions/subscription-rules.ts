// Partner subscriptions to the status of their join Tasks (issue 17 part 3),
// as the FHIR R4 Subscriptions Backport IG shapes them: an R4 Subscription
// whose `criteria` is our topic's canonical URL, an optional
// backport-filter-criteria, a rest-hook channel and a
// backport-payload-content of id-only or full-resource; notifications are
// `history` Bundles whose first entry is a backport-subscription-status-r4
// Parameters. Pure: what we accept, what we store, what we send.
//
// Deny by default:
// - the topic is ours alone; the only filter is `Task?_id=<id>` (one Task),
//   and the service checks that Task is the partner's own; without a filter
//   the subscription covers all the partner's own Tasks and nothing else;
// - the endpoint is https, without credentials or fragment, on the host of
//   the partner's registered FHIR base URL: a partner cannot make our worker
//   call anybody else (an internal address, another partner);
// - the only channel header is one `Authorization` value (the partner's
//   secret for its endpoint), never echoed back;
// - heartbeats, `end`, `empty` payloads, websocket/email channels are not
//   offered: refused with the element named, rather than silently ignored.
import { randomUUID } from 'node:crypto';
import { isUuid } from '../../../lib/input';

/** Our SubscriptionTopic for "a join Task's status changed": one canonical for every installation. */
export const joinTaskStatusTopic = 'urn:renkei:subscription-topic:join-task-status';

export const backportSubscriptionProfile =
  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription';
export const backportStatusProfile =
  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4';
export const backportNotificationProfile =
  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4';
export const filterCriteriaExtension =
  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria';
export const payloadContentExtension =
  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content';
export const topicCanonicalExtension =
  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical';

export type PayloadContent = 'ID_ONLY' | 'FULL_RESOURCE';
const payloadCodes: Record<string, PayloadContent> = { 'id-only': 'ID_ONLY', 'full-resource': 'FULL_RESOURCE' };

export interface SubscriptionRequest {
  endpoint: string;
  /** `Authorization: <value>`, or none. */
  headers: string[];
  payloadContent: PayloadContent;
  /** Filtered to one Task (its id, to be checked as the partner's own), or all the partner's Tasks. */
  taskId: string | null;
  reason: string;
}

export type SubscriptionProblem = { ok: false; message: string; expression: string };
export type ParsedSubscription = { ok: true; value: SubscriptionRequest } | SubscriptionProblem;

export const subscriptionLimits = { endpoint: 2000, header: 2000, reason: 500 } as const;

const refuse = (expression: string, message: string): SubscriptionProblem => ({ ok: false, expression, message });

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function extensionsOf(element: unknown, url: string): unknown[] {
  if (!isObject(element) || !Array.isArray(element.extension)) return [];
  return element.extension.filter((e) => isObject(e) && e.url === url);
}

/** https, no credentials, no fragment, on the partner's own host (see the header). */
export function checkEndpoint(endpoint: unknown, partnerFhirBaseUrl: string): SubscriptionProblem | null {
  const at = 'Subscription.channel.endpoint';
  if (typeof endpoint !== 'string' || endpoint.length === 0) return refuse(at, 'a rest-hook needs an endpoint');
  if (endpoint.length > subscriptionLimits.endpoint)
    return refuse(at, `the endpoint must be at most ${subscriptionLimits.endpoint} characters`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return refuse(at, 'the endpoint is not a URL');
  }
  if (url.protocol !== 'https:') return refuse(at, 'the endpoint must be https');
  if (url.username || url.password)
    return refuse(at, 'the endpoint must not carry credentials: put them in channel.header');
  if (url.hash) return refuse(at, 'the endpoint must not have a fragment');
  if (url.hostname !== new URL(partnerFhirBaseUrl).hostname)
    return refuse(at, 'the endpoint must be on the host of your registered FHIR base URL');
  return null;
}

/** At most one header, `Authorization: <value>`, printable, no line breaks. */
export function checkHeaders(headers: unknown): { ok: true; value: string[] } | SubscriptionProblem {
  const at = 'Subscription.channel.header';
  if (headers === undefined) return { ok: true, value: [] };
  if (!Array.isArray(headers) || headers.length > 1) return refuse(at, 'at most one header, Authorization');
  const [header] = headers as unknown[];
  if (typeof header !== 'string' || header.length > subscriptionLimits.header)
    return refuse(at, 'the header must be text of at most 2000 characters');
  const match = /^Authorization:[ \t]*([\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)$/i.exec(header);
  if (!match) return refuse(at, 'the only header offered is "Authorization: <value>" (printable ASCII, one line)');
  return { ok: true, value: [`Authorization: ${match[1]}`] };
}

/**
 * A partner's POST Subscription, already valid R4 (the router checks that
 * first): the backport profile's elements as we offer them, or the first
 * problem with the element it concerns.
 */
export function parseSubscription(body: unknown, partner: { fhirBaseUrl: string }): ParsedSubscription {
  if (!isObject(body) || body.resourceType !== 'Subscription')
    return refuse('Subscription', 'send a Subscription resource');
  if (body.status !== 'requested' && body.status !== 'active')
    return refuse('Subscription.status', 'a new Subscription is requested');
  if (body.criteria !== joinTaskStatusTopic)
    return refuse('Subscription.criteria', `the only topic offered is ${joinTaskStatusTopic}`);
  if (body.end !== undefined) return refuse('Subscription.end', 'subscriptions with an end are not offered');
  const filters = extensionsOf(body._criteria, filterCriteriaExtension);
  let taskId: string | null = null;
  if (filters.length > 1) return refuse('Subscription.criteria', 'at most one filter, Task?_id=<id>');
  if (filters.length === 1) {
    const value = (filters[0] as Json).valueString;
    const match = typeof value === 'string' ? /^Task\?_id=([0-9a-f-]{36})$/.exec(value) : null;
    if (!match || !isUuid(match[1] as string))
      return refuse('Subscription.criteria', 'the only filter offered is Task?_id=<id of one of your Tasks>');
    taskId = match[1] as string;
  }
  const reason = typeof body.reason === 'string' ? body.reason : '';
  if (reason.length > subscriptionLimits.reason)
    return refuse('Subscription.reason', `the reason must be at most ${subscriptionLimits.reason} characters`);
  const channel = isObject(body.channel) ? body.channel : {};
  if (channel.type !== 'rest-hook') return refuse('Subscription.channel.type', 'the only channel offered is rest-hook');
  const endpointProblem = checkEndpoint(channel.endpoint, partner.fhirBaseUrl);
  if (endpointProblem) return endpointProblem;
  if (channel.payload !== undefined && channel.payload !== 'application/fhir+json')
    return refuse('Subscription.channel.payload', 'notifications are application/fhir+json');
  const contents = extensionsOf(channel._payload, payloadContentExtension);
  if (contents.length > 1) return refuse('Subscription.channel.payload', 'one payload content');
  const code = contents.length === 1 ? (contents[0] as Json).valueCode : 'id-only';
  const payloadContent = typeof code === 'string' ? payloadCodes[code] : undefined;
  if (!payloadContent)
    return refuse('Subscription.channel.payload', 'the payload content offered is id-only or full-resource');
  if (Array.isArray(channel.extension) && channel.extension.length > 0)
    return refuse('Subscription.channel.extension', 'heartbeats, timeouts and max counts are not offered');
  const headers = checkHeaders(channel.header);
  if (!headers.ok) return headers;
  return {
    ok: true,
    value: { endpoint: channel.endpoint as string, headers: headers.value, payloadContent, taskId, reason },
  };
}

export type StoredStatus = 'REQUESTED' | 'ACTIVE' | 'ERROR' | 'OFF';

export interface StoredSubscription {
  id: string;
  status: StoredStatus;
  taskId: string | null;
  endpoint: string;
  payloadContent: PayloadContent;
  reason: string;
  lastErrorCode: string | null;
  updatedAt: Date;
}

/** GET Subscription/<id>: what the partner asked for and where it stands; the channel header (its secret) is never shown back. */
export function renderSubscription(s: StoredSubscription): Json {
  return {
    resourceType: 'Subscription',
    id: s.id,
    meta: { lastUpdated: s.updatedAt.toISOString(), profile: [backportSubscriptionProfile] },
    status: s.status.toLowerCase(),
    reason: s.reason || 'join Task status',
    criteria: joinTaskStatusTopic,
    ...(s.taskId
      ? { _criteria: { extension: [{ url: filterCriteriaExtension, valueString: `Task?_id=${s.taskId}` }] } }
      : {}),
    ...(s.status === 'ERROR' && s.lastErrorCode ? { error: `delivery failed: ${s.lastErrorCode}` } : {}),
    channel: {
      type: 'rest-hook',
      endpoint: s.endpoint,
      payload: 'application/fhir+json',
      _payload: {
        extension: [
          {
            url: payloadContentExtension,
            valueCode: s.payloadContent === 'FULL_RESOURCE' ? 'full-resource' : 'id-only',
          },
        ],
      },
    },
  };
}

export interface NotificationEvent {
  eventNumber: number;
  occurredAt: Date;
  taskId: string;
}

export interface Notification {
  fhirBaseUrl: string;
  subscription: Pick<StoredSubscription, 'id' | 'payloadContent'>;
  /** The status the subscription has once this notification is delivered. */
  status: 'active' | 'error';
  type: 'handshake' | 'event-notification';
  /** Events issued since the subscription started (the highest event number given out). */
  eventsSinceStart: number;
  /** In event-number order; none for a handshake. */
  events: readonly NotificationEvent[];
  /** full-resource: each event's Task as the partner may read it now, by id. */
  tasks?: ReadonlyMap<string, Json>;
  /** When the notification is sent. */
  at: Date;
}

/**
 * The notification Bundle (R4 backport): history, the status Parameters
 * first, then one entry per event's focus Task (the resource itself for
 * full-resource, its URL alone for id-only). Event numbers are the stored
 * ones, so a retry sends exactly the same numbers.
 */
export function notificationBundle(n: Notification): Json {
  const base = n.fhirBaseUrl;
  const subscriptionUrl = `${base}/Subscription/${n.subscription.id}`;
  const events = [...n.events].sort((a, b) => a.eventNumber - b.eventNumber);
  const status = {
    resourceType: 'Parameters',
    meta: { profile: [backportStatusProfile] },
    parameter: [
      { name: 'subscription', valueReference: { reference: subscriptionUrl } },
      { name: 'topic', valueCanonical: joinTaskStatusTopic },
      { name: 'status', valueCode: n.status },
      { name: 'type', valueCode: n.type },
      { name: 'events-since-subscription-start', valueString: String(n.eventsSinceStart) },
      ...events.map((e) => ({
        name: 'notification-event',
        part: [
          { name: 'event-number', valueString: String(e.eventNumber) },
          { name: 'timestamp', valueInstant: e.occurredAt.toISOString() },
          { name: 'focus', valueReference: { reference: `${base}/Task/${e.taskId}` } },
        ],
      })),
    ],
  };
  const full = n.subscription.payloadContent === 'FULL_RESOURCE';
  return {
    resourceType: 'Bundle',
    meta: { profile: [backportNotificationProfile] },
    type: 'history',
    timestamp: n.at.toISOString(),
    entry: [
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: status,
        request: { method: 'GET', url: `${subscriptionUrl}/$status` },
        response: { status: '200' },
      },
      ...events.map((e) => {
        const task = full ? n.tasks?.get(e.taskId) : undefined;
        return {
          fullUrl: `${base}/Task/${e.taskId}`,
          ...(task ? { resource: task } : {}),
          request: { method: 'PUT', url: `Task/${e.taskId}` },
          response: { status: '200' },
        };
      }),
    ],
  };
}
