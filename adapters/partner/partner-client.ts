// Our calls to a partner's FHIR endpoint (Art. 20-3, the requester side of
// the exchange contract v1.1), through fhir-kit-client. Every call:
// - authenticates us as the partner registered us: a fresh JWT
//   (signPartnerJwt: iss = sub = the id the partner registered us under,
//   aud = its FHIR base URL, a new jti each time), or, for a partner we call
//   with mutual TLS, the client certificate issued for that partner alone and
//   no Authorization header at all (a receiver such as ours tries a bearer
//   token before the certificate, so a token it cannot verify would be
//   refused although the certificate is good);
// - gives up after `timeoutMs` (AbortSignal), so a partner that hangs cannot
//   hold a worker;
// - trusts the partner's private CA when one is configured (`trustedCaPems`),
//   else the system's CAs;
// - decides what came back with the pure rules of partner-answer.ts (the
//   expected resource type, FHIR R4 validity) before anyone reads it;
// - on failure, logs one warn line (code, partner id, request id, operation,
//   status; never a body) and throws a PartnerCallError (partner-error.ts).
// Creating a Task is a FHIR conditional create (If-None-Exist on our
// identifier), so a server that honours it never stores our request twice;
// searchTasks finds what an earlier, unanswered create may have stored.
// cancelTask asks for our Task's cancellation without overwriting a status
// the partner set meanwhile (JSON Patch `test`, or If-Match on a PUT where a
// server has no patch).
//
// fhir-kit-client 2 calls the global fetch (undici), which ignores Node's
// https agent options: a custom CA needs an undici dispatcher. Node bundles
// undici without exporting it, and the `undici` package is not a dependency,
// so the dispatcher class is taken from the global dispatcher Node creates on
// first use (see undiciAgent below). Adding `undici` as a dependency would
// replace that with a plain import.
import { createHash } from 'node:crypto';
import type { Logger } from '../../lib/logger';
import type { Metrics } from '../../lib/metrics/metrics';
import {
  classifyAnswer,
  classifyTransportError,
  identifierToken,
  ifNoneExist,
  isFhirId,
  tasksInSearchset,
  type FhirResource,
  type Identifier,
  type IdentifiedResource,
} from './partner-answer';
import { PartnerCallError, type PartnerOperation } from './partner-error';

export { PartnerCallError, type PartnerErrorCode, type PartnerOperation } from './partner-error';
export type { FhirResource, IdentifiedResource } from './partner-answer';

export interface PartnerEndpoint {
  /** The partner's FHIR base URL (also the aud of our JWTs). */
  fhirBaseUrl: string;
}

/** Where an access token comes from (SMART Backend Services: smart-token-client.ts). */
export interface BearerTokens {
  token(): Promise<string>;
  /** The partner answered 401 to this token: drop it, so the next token() gets a new one. */
  invalidate(token: string): void;
}

export interface PartnerClientOptions {
  /** Signs the bearer token for one call to `audience`; absent: no Authorization header (mutual TLS). */
  signJwt?(audience: string): Promise<string>;
  /**
   * Access tokens instead of signed JWTs: on a 401 the token is dropped and
   * the call made once more with a fresh one (a token the partner expired or
   * revoked before we thought it would), never more.
   */
  bearer?: BearerTokens;
  timeoutMs?: number;
  /** PEM certificates of the CAs that issued partners' server certificates (private CAs); none: the system's CAs. */
  trustedCaPems?: readonly string[];
  /** The client certificate (and its key) to present in the TLS handshake: mutual TLS. */
  clientCertificate?: { certPem: string; keyPem: string; fingerprint: string };
  /** Where failed calls are reported, with this partner id. */
  logger?: Logger;
  partnerId?: string;
  /** Counts every call by partner, operation and outcome (lib/metrics); none: nothing is counted. */
  metrics?: Metrics;
}

/** Names the call in the log line: the outbound join request (our correlation id) it is made for. */
export interface CallContext {
  requestId?: string;
}

export interface PartnerClient {
  /**
   * Conditional create (If-None-Exist: identifier=<system>|<value>): 201 (created) or
   * 200 (the partner already holds a Task with this identifier: that Task).
   */
  createTask(
    task: Record<string, unknown>,
    identifier: Identifier,
    context?: CallContext,
  ): Promise<{ status: number; task: IdentifiedResource }>;
  /** GET Task?identifier=<system>|<value>: the Tasks carrying exactly our identifier, in the partner's order. */
  searchTasks(identifier: Identifier, context?: CallContext): Promise<IdentifiedResource[]>;
  readTask(id: string, context?: CallContext): Promise<IdentifiedResource>;
  /**
   * Asks the partner to cancel our Task `task` (as just read): a JSON Patch
   * that tests the status read and replaces it with cancelled, or, when the
   * partner does not take JSON Patch (405/415), a PUT of the Task as read
   * with status cancelled (If-Match on its version, when it has one). Either
   * way a Task that moved meanwhile is not overwritten: the partner answers
   * 409/412. Answers the Task as the partner now holds it.
   */
  cancelTask(task: IdentifiedResource, reason: string, context?: CallContext): Promise<IdentifiedResource>;
  readCareTeam(id: string, context?: CallContext): Promise<IdentifiedResource>;
  /** GET metadata: the partner's CapabilityStatement (push offered or not: outbound-subscription-rules.ts). */
  readCapabilities(context?: CallContext): Promise<FhirResource>;
  /** POST Subscription (outbound push): the Subscription as the partner stored it. */
  createSubscription(subscription: Record<string, unknown>, context?: CallContext): Promise<IdentifiedResource>;
  readSubscription(id: string, context?: CallContext): Promise<IdentifiedResource>;
  /** DELETE Subscription/<id>; one the partner no longer has (404, 410) counts as deleted. */
  deleteSubscription(id: string, context?: CallContext): Promise<void>;
}

type Dispatcher = object;
/**
 * One dispatcher per slot (a partner id, else the TLS settings themselves),
 * replaced when the slot's settings change: a CA registered or a certificate
 * renewed at run time applies to the next client, and a partner's pooled
 * connections (which carry its client certificate) are never used for
 * another. A replaced dispatcher is dropped, not closed: a job may still be
 * using a client built on it, and its idle connections close by themselves
 * after undici's keep-alive timeout.
 */
const dispatchers = new Map<string, { key: string; agent: Dispatcher }>();

export interface TlsSettings {
  ca: readonly string[];
  clientCertificate?: { certPem: string; keyPem: string; fingerprint: string };
}

/** An undici Agent with these TLS settings (see the header), pooled per slot. */
export async function undiciAgent(slot: string | undefined, tls: TlsSettings): Promise<Dispatcher> {
  // The key names the settings without holding a private key: the CA set and the certificate's fingerprint.
  const key = `${createHash('sha256').update(tls.ca.join('\n')).digest('hex')}|${tls.clientCertificate?.fingerprint ?? ''}`;
  const cached = dispatchers.get(slot ?? key);
  if (cached?.key === key) return cached.agent;
  const globalKey = Symbol.for('undici.globalDispatcher.1');
  // The global of the realm `fetch` comes from (the same as globalThis, except in a sandbox such as jest's).
  const fetchRealm = (fetch as unknown as { constructor: FunctionConstructor }).constructor(
    'return globalThis',
  )() as typeof globalThis;
  const holder = fetchRealm as unknown as Record<
    symbol,
    { constructor: new (options: unknown) => Dispatcher } | undefined
  >;
  // A data: URL makes Node set up its global dispatcher without any network traffic.
  if (!holder[globalKey]) await (await fetch('data:,')).text();
  const Agent = holder[globalKey]?.constructor;
  if (!Agent) throw new Error('cannot configure TLS for partner calls: this Node.js has no undici global dispatcher');
  const connect = {
    // No CA given: Node's default trust store (the system's CAs).
    ...(tls.ca.length > 0 ? { ca: [...tls.ca] } : {}),
    ...(tls.clientCertificate ? { cert: tls.clientCertificate.certPem, key: tls.clientCertificate.keyPem } : {}),
  };
  const agent = new Agent({ connect });
  dispatchers.set(slot ?? key, { key, agent });
  return agent;
}

/** What fhir-kit-client hands over: a parsed body with the Response attached, or an error with `response`. */
type KitResult = Record<string, unknown>;

export async function createPartnerClient(
  partner: PartnerEndpoint,
  options: PartnerClientOptions,
): Promise<PartnerClient> {
  // fhir-kit-client 2 is an ES module; node16 module resolution keeps this a real import().
  const { Client, RESPONSE_KEY } = await import('fhir-kit-client');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tls: TlsSettings = { ca: options.trustedCaPems ?? [], clientCertificate: options.clientCertificate };
  // Node's global dispatcher serves partners that need neither a private CA nor a client certificate.
  const requestOptions =
    tls.ca.length > 0 || tls.clientCertificate ? { dispatcher: await undiciAgent(options.partnerId, tls) } : {};
  const baseUrl = partner.fhirBaseUrl.replace(/\/+$/, '');
  const client = new Client({ baseUrl, requestOptions });

  const counted = (operation: PartnerOperation, outcome: string) =>
    options.metrics?.partnerCalls.inc({ partner: options.partnerId ?? 'unknown', operation, outcome });

  function failed(error: PartnerCallError, operation: PartnerOperation, context: CallContext): PartnerCallError {
    const named = error.during(operation);
    counted(operation, named.code);
    options.logger?.warn(
      {
        partnerId: options.partnerId,
        requestId: context.requestId,
        operation,
        code: named.code,
        httpStatus: named.status,
        issueCode: named.issueCode,
        retryable: named.retryable,
        outcomeUnknown: named.outcomeUnknown,
      },
      `partner call failed: ${named.code}`,
    );
    return named;
  }

  /** One HTTP exchange, classified: the expected resource, or a logged PartnerCallError. */
  async function call(
    operation: PartnerOperation,
    /** null: a delete, where any 2xx (whatever its body) and 404/410 (gone already) are success. */
    expected: 'Task' | 'CareTeam' | 'Bundle' | 'CapabilityStatement' | 'Subscription' | null,
    context: CallContext,
    run: (options: { headers: Record<string, string>; signal: AbortSignal }) => Promise<KitResult>,
  ): Promise<{ status: number; resource: IdentifiedResource }> {
    let answer: { status: number; body: unknown } | undefined;
    for (let attempt = 0; !answer; attempt++) {
      let accessToken: string | undefined;
      try {
        accessToken = options.bearer ? await options.bearer.token() : undefined;
      } catch (error) {
        if (error instanceof PartnerCallError) throw failed(error, operation, context);
        throw error;
      }
      const bearer = accessToken ?? (options.signJwt ? await options.signJwt(baseUrl) : undefined);
      const headers: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
      let result: { status: number; body: unknown };
      try {
        const kit = await run({ headers, signal: AbortSignal.timeout(timeoutMs) });
        result = { status: (kit[RESPONSE_KEY] as Response | undefined)?.status ?? 200, body: kit };
      } catch (error) {
        const response = (error as { response?: { status?: unknown; data?: unknown } }).response;
        if (typeof response?.status !== 'number') throw failed(classifyTransportError(error), operation, context);
        result = { status: response.status, body: response.data };
      }
      // A 401 means the partner did nothing with the request: safe to make it again, once, with a new token.
      if (result.status === 401 && accessToken && attempt === 0) {
        options.bearer?.invalidate(accessToken);
        options.logger?.info(
          { partnerId: options.partnerId, requestId: context.requestId, operation },
          'partner refused our access token: getting a new one',
        );
        continue;
      }
      answer = result;
    }
    if (expected === null) {
      const done = (answer.status >= 200 && answer.status < 300) || answer.status === 404 || answer.status === 410;
      if (done) {
        counted(operation, 'ok');
        return { status: answer.status, resource: { resourceType: 'OperationOutcome', id: '' } };
      }
      const refused = classifyAnswer(answer, 'OperationOutcome');
      throw failed(
        refused.ok ? new PartnerCallError(`HTTP_${answer.status}`, 'unexpected answer', true) : refused.error,
        operation,
        context,
      );
    }
    const classified =
      expected === 'Bundle' || expected === 'CapabilityStatement'
        ? classifyAnswer(answer, expected, { idRequired: false })
        : classifyAnswer(answer, expected);
    if (!classified.ok) throw failed(classified.error, operation, context);
    counted(operation, 'ok');
    // Only a Bundle or a CapabilityStatement may come without an id (see classifyAnswer).
    return { status: answer.status, resource: classified.resource as IdentifiedResource };
  }

  async function read(
    resourceType: 'Task' | 'CareTeam' | 'Subscription',
    id: string,
    context: CallContext,
  ): Promise<IdentifiedResource> {
    const operation =
      resourceType === 'Task' ? 'read-task' : resourceType === 'CareTeam' ? 'read-care-team' : 'read-subscription';
    if (!isFhirId(id))
      throw failed(
        new PartnerCallError('INVALID_FHIR', `the partner gave an invalid ${resourceType} id`, false),
        operation,
        context,
      );
    const { resource } = await call(
      operation,
      resourceType,
      context,
      (o) => client.read({ resourceType, id, options: o }) as Promise<KitResult>,
    );
    if (resource.id !== id)
      throw failed(
        new PartnerCallError(
          'INVALID_FHIR',
          `the partner answered another ${resourceType} than the one asked for`,
          true,
        ),
        operation,
        context,
      );
    return resource;
  }

  return {
    async createTask(task, identifier, context = {}) {
      const { status, resource } = await call(
        'create-task',
        'Task',
        context,
        (o) =>
          client.create({
            resourceType: 'Task',
            body: task as FhirResource,
            // return=representation: a server defaulting to minimal answers would leave us nothing to check.
            options: {
              ...o,
              headers: { ...o.headers, 'if-none-exist': ifNoneExist(identifier), prefer: 'return=representation' },
            },
          }) as Promise<KitResult>,
      );
      return { status, task: resource };
    },
    async searchTasks(identifier, context = {}) {
      const { resource } = await call(
        'search-task',
        'Bundle',
        context,
        (o) =>
          client.search({
            resourceType: 'Task',
            searchParams: { identifier: identifierToken(identifier) },
            options: o,
          }) as Promise<KitResult>,
      );
      const found = tasksInSearchset(resource, identifier);
      if (!found.ok) throw failed(found.error, 'search-task', context);
      return found.resource;
    },
    readTask: (id, context = {}) => read('Task', id, context),
    async cancelTask(task, reason, context = {}) {
      const statusReason = { text: reason };
      const jsonPatch = [
        { op: 'test', path: '/status', value: task.status },
        { op: 'replace', path: '/status', value: 'cancelled' },
        { op: 'add', path: '/statusReason', value: statusReason },
      ] as const;
      try {
        const { resource } = await call(
          'cancel-task',
          'Task',
          context,
          (o) =>
            client.patch({
              resourceType: 'Task',
              id: task.id,
              jsonPatch: [...jsonPatch],
              options: o,
            }) as Promise<KitResult>,
        );
        return resource;
      } catch (error) {
        // FHIR makes patch optional: a server without it says 405 (method) or 415 (media type).
        if (!(error instanceof PartnerCallError && (error.status === 405 || error.status === 415))) throw error;
      }
      const { meta, ...rest } = task;
      const versionId = (meta as { versionId?: unknown } | undefined)?.versionId;
      const { resource } = await call(
        'cancel-task',
        'Task',
        context,
        (o) =>
          client.update({
            resourceType: 'Task',
            id: task.id,
            body: { ...rest, status: 'cancelled', statusReason } as FhirResource,
            options: {
              ...o,
              headers: {
                ...o.headers,
                ...(typeof versionId === 'string' ? { 'if-match': `W/"${versionId}"` } : {}),
                prefer: 'return=representation',
              },
            },
          }) as Promise<KitResult>,
      );
      return resource;
    },
    readCareTeam: (id, context = {}) => read('CareTeam', id, context),
    async readCapabilities(context = {}) {
      const { resource } = await call(
        'read-capabilities',
        'CapabilityStatement',
        context,
        (o) => client.capabilityStatement(o) as Promise<KitResult>,
      );
      return resource;
    },
    async createSubscription(subscription, context = {}) {
      const { resource } = await call(
        'create-subscription',
        'Subscription',
        context,
        (o) =>
          client.create({
            resourceType: 'Subscription',
            body: subscription as FhirResource,
            options: { ...o, headers: { ...o.headers, prefer: 'return=representation' } },
          }) as Promise<KitResult>,
      );
      return resource;
    },
    readSubscription: (id, context = {}) => read('Subscription', id, context),
    async deleteSubscription(id, context = {}) {
      if (!isFhirId(id))
        throw failed(
          new PartnerCallError('INVALID_FHIR', 'the partner gave an invalid Subscription id', false),
          'delete-subscription',
          context,
        );
      await call(
        'delete-subscription',
        null,
        context,
        (o) => client.delete({ resourceType: 'Subscription', id, options: o }) as Promise<KitResult>,
      );
    },
  };
}
