// A partner system's FHIR endpoint, played by the test: it lies outside our
// system, so it is the one thing the outbound tests mock. A real HTTPS server
// (its certificate issued by a CA the test passes, like a partner's private
// CA) that follows the exchange contract v1 as a receiver: POST Task answers
// 201 with a new Task in status `received`, or 200 with the existing Task for
// an identifier it already holds (with or without If-None-Exist, which it
// records); GET Task?identifier=<system>|<value> answers a searchset Bundle;
// GET Task/<id> and GET CareTeam/<id> answer what the test set. It verifies our JWT (signature with our public key,
// iss = sub = the client id it registered us under, aud = its base URL, a
// fresh jti) and refuses anything else with 401; or, with `smart`, it is a
// SMART Backend Services server instead (smart-token-server.ts): it serves
// its smart-configuration and token endpoint and accepts only the access
// tokens it issued, never a direct JWT. The test can make it slow,
// fail with 5xx, answer invalid FHIR, refuse a share code, or stop listening.
// With `subscriptions` it also offers push as the Subscriptions Backport
// describes (contract v2): GET metadata names our Task-status topic,
// POST/GET/DELETE Subscription, a handshake to the rest-hook once created,
// and `decide()` moves a Task and notifies the subscriptions filtered to it
// (id-only, with the channel's Authorization header). Without it, none of
// this exists (GET metadata is a 404, as before).
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { stoppable } from './stoppable-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { importJWK, jwtVerify, type JWK } from 'jose';
import type { SmartTokenServer } from './smart-token-server';

export type PostBehavior = 'normal' | 'server-error' | 'invalid-fhir' | 'unknown-share-code' | 'bad-request';

export interface MockTask {
  id: string;
  identifierValue: string;
  body: Record<string, unknown>;
  status: 'received' | 'accepted' | 'rejected' | 'completed' | 'cancelled';
  statusReason?: string;
  careTeamId?: string;
}

export interface MockCareTeam {
  status: 'proposed' | 'active' | 'suspended' | 'inactive';
  participants: Array<{ system: string; value: string; display: string; end?: string }>;
}

export interface MockSubscription {
  id: string;
  body: Record<string, unknown>;
  endpoint: string;
  /** The `Authorization` value the channel asked for. */
  authorization?: string;
  /** The Task id of its Task?_id filter. */
  taskId?: string;
  status: 'active' | 'error' | 'off';
  deleted: boolean;
}

export interface MockPartner {
  /** The FHIR base URL (https://127.0.0.1:<port>/fhir). */
  url: string;
  /** Every POST /Task that reached the handler, in order (also repeats), with its If-None-Exist header. */
  posts: Array<{ identifierValue: string; body: Record<string, unknown>; answered: number; ifNoneExist?: string }>;
  /** Every identifier search (the `identifier` parameter as received). */
  searches: string[];
  /** Every GET, as "Task/<id>" or "CareTeam/<id>". */
  reads: string[];
  /** Claims of every accepted JWT. */
  tokens: Array<{ iss?: string; sub?: string; aud?: string | string[]; jti?: string; exp?: number }>;
  tasks: Map<string, MockTask>;
  careTeams: Map<string, MockCareTeam>;
  behavior: {
    post: PostBehavior;
    read: 'normal' | 'server-error' | 'invalid-fhir';
    delayMs: number;
    /** POST Subscription (with `subscriptions`): created, refused (400), or failing (503). */
    subscribe: 'normal' | 'refuse' | 'server-error';
  };
  /** Every Subscription created (with `subscriptions`), by id; a deleted one stays, marked. */
  subscriptions: Map<string, MockSubscription>;
  /** Every notification sent, with our endpoint's answer (0: no answer). */
  notifications: Array<{ subscriptionId: string; type: 'handshake' | 'event-notification'; answered: number }>;
  /** Moves a Task (as the partner's people would) and notifies every live subscription filtered to it. */
  decide(
    taskId: string,
    change: Pick<MockTask, 'status'> & Partial<Pick<MockTask, 'statusReason' | 'careTeamId'>>,
  ): Promise<void>;
  taskFor(identifierValue: string): MockTask | undefined;
  /** Stops accepting connections (connection refused) / listens again on the same port. */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  stop(): Promise<void>;
}

export interface MockPartnerOptions {
  tls: { certificatePem: string; keyPem: string };
  /** Our exchange public key and the client id this partner registered us under. */
  ourJwk: JWK;
  ourClientId: string;
  /** Authenticate us with SMART Backend Services access tokens instead of contract JWTs. */
  smart?: SmartTokenServer;
  /** Offer push (Subscriptions Backport) for Task status, under this topic. */
  subscriptions?: { topic: string };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const outcome = (code: string, text: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics: text }],
});

function renderTask(task: MockTask): Record<string, unknown> {
  const { id: _id, status: _status, ...rest } = task.body;
  return {
    ...rest,
    id: task.id,
    status: task.status,
    ...(task.statusReason ? { statusReason: { text: task.statusReason } } : {}),
    ...(task.careTeamId
      ? { output: [{ type: { text: 'care-team' }, valueReference: { reference: `CareTeam/${task.careTeamId}` } }] }
      : {}),
  };
}

export async function startMockPartner(options: MockPartnerOptions): Promise<MockPartner> {
  const key = await importJWK(options.ourJwk, 'EdDSA');
  const seenJti = new Set<string>();
  // Pending slow answers, released when the mock stops (so no timer outlives the test).
  const waits = new Set<() => void>();
  let baseUrl = '';
  let eventsSent = 0;
  /** POSTs one notification to a subscription's rest-hook, recording our endpoint's answer. */
  async function notify(subscription: MockSubscription, type: 'handshake' | 'event-notification', taskId?: string) {
    const subscriptionUrl = `${baseUrl}/Subscription/${subscription.id}`;
    if (type === 'event-notification') eventsSent += 1;
    const bundle = {
      resourceType: 'Bundle',
      type: 'history',
      timestamp: new Date().toISOString(),
      entry: [
        {
          fullUrl: `urn:uuid:${randomUUID()}`,
          resource: {
            resourceType: 'Parameters',
            parameter: [
              { name: 'subscription', valueReference: { reference: subscriptionUrl } },
              { name: 'topic', valueCanonical: options.subscriptions?.topic },
              { name: 'status', valueCode: 'active' },
              { name: 'type', valueCode: type },
              { name: 'events-since-subscription-start', valueString: String(eventsSent) },
              ...(taskId
                ? [
                    {
                      name: 'notification-event',
                      part: [
                        { name: 'event-number', valueString: String(eventsSent) },
                        { name: 'focus', valueReference: { reference: `${baseUrl}/Task/${taskId}` } },
                      ],
                    },
                  ]
                : []),
            ],
          },
        },
        ...(taskId ? [{ fullUrl: `${baseUrl}/Task/${taskId}` }] : []),
      ],
    };
    // 0: our endpoint did not answer at all.
    let answered: number;
    try {
      const response = await fetch(subscription.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/fhir+json',
          ...(subscription.authorization ? { authorization: subscription.authorization } : {}),
        },
        body: JSON.stringify(bundle),
      });
      await response.arrayBuffer();
      answered = response.status;
    } catch {
      answered = 0;
    }
    partner.notifications.push({ subscriptionId: subscription.id, type, answered });
  }

  const partner: Omit<MockPartner, 'url' | 'goDown' | 'comeBack' | 'stop'> = {
    posts: [],
    searches: [],
    reads: [],
    tokens: [],
    tasks: new Map(),
    careTeams: new Map(),
    behavior: { post: 'normal', read: 'normal', delayMs: 0, subscribe: 'normal' },
    subscriptions: new Map(),
    notifications: [],
    async decide(taskId, change) {
      const task = partner.tasks.get(taskId);
      if (!task) throw new Error(`the mock partner holds no Task ${taskId}`);
      Object.assign(task, change);
      const live = [...partner.subscriptions.values()].filter(
        (s) => !s.deleted && s.status === 'active' && (!s.taskId || s.taskId === taskId),
      );
      for (const subscription of live) await notify(subscription, 'event-notification', taskId);
    },
    taskFor: (value) => [...partner.tasks.values()].find((t) => t.identifierValue === value),
  };

  async function authorized(header: string | undefined): Promise<boolean> {
    if (options.smart) return options.smart.accepts(header);
    const token = header?.startsWith('Bearer ') ? header.slice(7) : null;
    if (!token) return false;
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: options.ourClientId,
        subject: options.ourClientId,
        audience: baseUrl,
      });
      if (!payload.jti || seenJti.has(payload.jti)) return false;
      if (!payload.exp || payload.exp - Math.floor(Date.now() / 1000) > 300) return false;
      seenJti.add(payload.jti);
      partner.tokens.push(payload);
      return true;
    } catch {
      return false;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (options.smart?.handle(req, res, (req.url ?? '').replace(/^\/fhir/, ''), Buffer.concat(chunks), baseUrl)) return;
    if (!(await authorized(req.headers.authorization))) return send(res, 401, outcome('login', 'not authenticated'));
    // A slow partner: it has the request (and, for a POST, stored the Task) but the answer takes this long.
    const slowly = async <T>(answer: () => T): Promise<T> => {
      if (partner.behavior.delayMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            waits.delete(release);
            resolve();
          }, partner.behavior.delayMs);
          const release = () => {
            clearTimeout(timer);
            resolve();
          };
          waits.add(release);
        });
      }
      return answer();
    };
    const path = (req.url ?? '').replace(/^\/fhir/, '');
    if (req.method === 'POST' && path === '/Task') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const identifierValue = String((body.identifier as Array<{ value?: string }> | undefined)?.[0]?.value ?? '');
      const behavior = partner.behavior.post;
      const answered =
        behavior === 'server-error'
          ? 503
          : behavior === 'unknown-share-code'
            ? 404
            : behavior === 'bad-request'
              ? 400
              : partner.taskFor(identifierValue)
                ? 200
                : 201;
      const ifNoneExist = typeof req.headers['if-none-exist'] === 'string' ? req.headers['if-none-exist'] : undefined;
      partner.posts.push({ identifierValue, body, answered, ifNoneExist });
      if (behavior === 'server-error') return send(res, 503, outcome('transient', 'try later'));
      if (behavior === 'unknown-share-code') return send(res, 404, outcome('not-found', 'no such share code'));
      if (behavior === 'bad-request') return send(res, 400, outcome('invalid', 'Task.input: invalid'));
      if (behavior === 'invalid-fhir')
        return send(res, 201, { resourceType: 'Task', id: randomUUID(), status: 'bogus', intent: 'order' });
      const existing = partner.taskFor(identifierValue);
      if (existing) return slowly(() => send(res, 200, renderTask(existing)));
      const task: MockTask = { id: randomUUID(), identifierValue, body, status: 'received' };
      partner.tasks.set(task.id, task);
      return slowly(() => send(res, 201, renderTask(task), { location: `Task/${task.id}` }));
    }
    if (req.method === 'GET' && path.startsWith('/Task?')) {
      const identifier = new URL(path, 'https://partner.invalid').searchParams.get('identifier') ?? '';
      partner.searches.push(identifier);
      await slowly(() => undefined);
      if (partner.behavior.read === 'server-error') return send(res, 500, outcome('exception', 'oops'));
      const bar = identifier.indexOf('|');
      const [system, value] = [identifier.slice(0, bar), identifier.slice(bar + 1)];
      const found = [...partner.tasks.values()].filter((t) => {
        const id = (t.body.identifier as Array<{ system?: string; value?: string }> | undefined)?.[0];
        return id?.system === system && id?.value === value;
      });
      return send(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        total: found.length,
        entry: found.map((t) => ({
          fullUrl: `${baseUrl}/Task/${t.id}`,
          resource: renderTask(t),
          search: { mode: 'match' },
        })),
      });
    }
    if (options.subscriptions) {
      const handled = await handleSubscriptions(req, res, path, chunks, options.subscriptions.topic);
      if (handled) return;
    }
    const read = /^\/(Task|CareTeam)\/([A-Za-z0-9\-.]+)$/.exec(path);
    if (req.method === 'GET' && read) {
      partner.reads.push(`${read[1]}/${read[2]}`);
      await slowly(() => undefined);
      if (partner.behavior.read === 'server-error') return send(res, 500, outcome('exception', 'oops'));
      if (partner.behavior.read === 'invalid-fhir')
        return send(res, 200, { resourceType: read[1], id: read[2], status: 'bogus' });
      if (read[1] === 'Task') {
        const task = partner.tasks.get(read[2] as string);
        return task ? send(res, 200, renderTask(task)) : send(res, 404, outcome('not-found', 'no such Task'));
      }
      const team = partner.careTeams.get(read[2] as string);
      if (!team) return send(res, 404, outcome('not-found', 'no such CareTeam'));
      return send(res, 200, {
        resourceType: 'CareTeam',
        id: read[2],
        status: team.status,
        participant: team.participants.map((p) => ({
          member: { identifier: { system: p.system, value: p.value }, display: p.display },
          ...(p.end ? { period: { end: p.end } } : {}),
        })),
      });
    }
    return send(res, 404, outcome('not-supported', 'unknown route'));
  }

  /** The Subscriptions Backport as a partner offering it would serve it; true when the request was one of its routes. */
  async function handleSubscriptions(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    chunks: Buffer[],
    topic: string,
  ): Promise<boolean> {
    if (req.method === 'GET' && path === '/metadata') {
      send(res, 200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        date: new Date().toISOString(),
        kind: 'instance',
        implementation: { description: 'mock partner' },
        fhirVersion: '4.0.1',
        format: ['json'],
        rest: [
          {
            mode: 'server',
            resource: [
              { type: 'Task', interaction: [{ code: 'create' }, { code: 'read' }] },
              {
                type: 'Subscription',
                extension: [
                  {
                    url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical',
                    valueCanonical: topic,
                  },
                ],
                supportedProfile: [
                  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription',
                ],
                interaction: [{ code: 'create' }, { code: 'read' }, { code: 'delete' }],
              },
            ],
          },
        ],
      });
      return true;
    }
    if (req.method === 'POST' && path === '/Subscription') {
      if (partner.behavior.subscribe === 'refuse') {
        send(res, 400, outcome('invalid', 'Subscription.channel.endpoint: not accepted'));
        return true;
      }
      if (partner.behavior.subscribe === 'server-error') {
        send(res, 503, outcome('transient', 'try later'));
        return true;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
      const filter = (body._criteria?.extension ?? []).find((e: any) =>
        String(e.url).endsWith('backport-filter-criteria'),
      )?.valueString as string | undefined;
      const header = (body.channel?.header ?? [])[0] as string | undefined;
      const subscription: MockSubscription = {
        id: randomUUID(),
        body,
        endpoint: String(body.channel?.endpoint),
        authorization: header?.replace(/^Authorization:\s*/i, ''),
        taskId: filter?.replace(/^Task\?_id=/, ''),
        status: 'active',
        deleted: false,
      };
      partner.subscriptions.set(subscription.id, subscription);
      send(
        res,
        201,
        { ...body, id: subscription.id, status: 'requested' },
        { location: `Subscription/${subscription.id}` },
      );
      // As the backport says: a handshake once it is created (after the answer, as a real server would).
      setImmediate(() => void notify(subscription, 'handshake'));
      return true;
    }
    const one = /^\/Subscription\/([A-Za-z0-9\-.]+)$/.exec(path);
    if (one) {
      const subscription = partner.subscriptions.get(one[1] as string);
      if (!subscription || subscription.deleted) {
        send(res, 404, outcome('not-found', 'no such Subscription'));
        return true;
      }
      if (req.method === 'DELETE') {
        subscription.deleted = true;
        res.writeHead(204).end();
        return true;
      }
      if (req.method === 'GET') {
        send(res, 200, { ...subscription.body, id: subscription.id, status: subscription.status });
        return true;
      }
    }
    return false;
  }

  const server = https.createServer({ cert: options.tls.certificatePem, key: options.tls.keyPem }, (req, res) => {
    handle(req, res).catch(() => send(res, 500, outcome('exception', 'mock failure')));
  });
  const {
    listen,
    close,
    port: portOf,
  } = stoppable(server, () => {
    for (const release of waits) release();
    waits.clear();
  });
  await listen(0);
  const port = portOf();
  baseUrl = `https://127.0.0.1:${port}/fhir`;
  return Object.assign(partner, { url: baseUrl, goDown: close, comeBack: () => listen(port), stop: close });
}
