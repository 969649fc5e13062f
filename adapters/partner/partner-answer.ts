// What a partner's answer means, as pure functions (no I/O), so every class of
// answer is decided in one place and unit-tested. The rule (exchange
// contract v1.1): anything that is not a FHIR resource of the expected type
// is a transient fault whatever the HTTP status, because a proxy, a load
// balancer or a half-deployed server can put any status on a page of HTML;
// only a 4xx that carries an OperationOutcome is the partner's own, final
// answer. A 2xx we cannot read may still mean the partner did the work, so
// it is marked `outcomeUnknown`: the send job then searches before creating.
import { validateR4 } from '../fhir/validator';
import { PartnerCallError, type PartnerErrorCode } from './partner-error';

/** A FHIR resource as parsed JSON. */
export type FhirResource = Record<string, unknown> & { resourceType: string };
export type IdentifiedResource = FhirResource & { id: string };

/**
 * An HTTP answer as fhir-kit-client hands it over: `body` is the parsed JSON,
 * the raw text when it was not JSON, or `{}` when the body was empty.
 */
export interface PartnerAnswer {
  status: number;
  body: unknown;
}

export type Classified<T> = { ok: true; resource: T } | { ok: false; error: PartnerCallError };

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;
export const isFhirId = (id: unknown): id is string => typeof id === 'string' && idPattern.test(id);

/** Statuses that say "not now" rather than "no", even with an OperationOutcome. */
const transientClientStatuses = new Set([401, 403, 408, 429]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What kind of body came back, for a message that never quotes it. */
function bodyKind(body: unknown): string {
  if (typeof body === 'string') return body.trim() === '' ? 'an empty body' : 'a body that is not JSON';
  if (!isObject(body)) return 'JSON that is not a FHIR resource';
  if (Object.keys(body).length === 0) return 'an empty body';
  const type = body.resourceType;
  if (typeof type !== 'string') return 'JSON that is not a FHIR resource';
  return /^[A-Za-z]{1,40}$/.test(type) ? `a ${type}` : 'a resource of an unknown type';
}

function isValidOutcome(body: unknown): body is { resourceType: 'OperationOutcome'; issue: Array<{ code?: string }> } {
  return isObject(body) && body.resourceType === 'OperationOutcome' && validateR4(body).valid;
}

/**
 * Decides one answer to a call that expects a resource of type `expected`
 * (Task, Bundle, CareTeam): the resource, or the error to throw.
 */
export function classifyAnswer(answer: PartnerAnswer, expected: string): Classified<IdentifiedResource>;
/** A search's Bundle and a CapabilityStatement need no id (servers often leave it out). */
export function classifyAnswer(
  answer: PartnerAnswer,
  expected: 'Bundle' | 'CapabilityStatement',
  options: { idRequired: false },
): Classified<FhirResource>;
export function classifyAnswer(
  answer: PartnerAnswer,
  expected: string,
  options: { idRequired: boolean } = { idRequired: true },
): Classified<FhirResource> {
  const { status, body } = answer;
  const fail = (
    code: PartnerErrorCode,
    message: string,
    retryable: boolean,
    extra: { issueCode?: string; outcomeUnknown: boolean },
  ) => ({ ok: false, error: new PartnerCallError(code, message, retryable, { status, ...extra }) }) as const;

  if (status < 200 || status > 299) {
    if (isValidOutcome(body)) {
      const issueCode = typeof body.issue[0]?.code === 'string' ? body.issue[0].code.slice(0, 40) : undefined;
      if (status >= 400 && status <= 499 && !transientClientStatuses.has(status)) {
        return fail(
          'REFUSED',
          `the partner refused the request (HTTP ${status}${issueCode ? `, ${issueCode}` : ''})`,
          false,
          { issueCode, outcomeUnknown: false },
        );
      }
      // 5xx: the server failed somewhere, perhaps after storing. 401/403/408/429: it told us it did nothing (yet).
      return fail(`HTTP_${status}`, `the partner answered HTTP ${status}${issueCode ? ` (${issueCode})` : ''}`, true, {
        issueCode,
        outcomeUnknown: status >= 500,
      });
    }
    // Not the partner's FHIR server speaking (a proxy, a default error page): a fault, never a refusal.
    return fail(
      `HTTP_${status}`,
      `the partner answered HTTP ${status} with ${bodyKind(body)}, not an OperationOutcome`,
      true,
      { outcomeUnknown: true },
    );
  }

  if (!isObject(body) || typeof body.resourceType !== 'string') {
    return fail('NOT_FHIR', `the partner answered HTTP ${status} with ${bodyKind(body)}, not a ${expected}`, true, {
      outcomeUnknown: true,
    });
  }
  if (body.resourceType !== expected) {
    return fail(
      'WRONG_RESOURCE_TYPE',
      `the partner answered HTTP ${status} with ${bodyKind(body)}, not a ${expected}`,
      true,
      { outcomeUnknown: true },
    );
  }
  const validation = validateR4(body);
  if (!validation.valid) {
    const paths = validation.issues
      .slice(0, 3)
      .map((i) => i.expression.slice(0, 80))
      .join(', ');
    return fail('INVALID_FHIR', `the partner's ${expected} is not valid FHIR R4 (${paths})`, true, {
      outcomeUnknown: true,
    });
  }
  if (options.idRequired && !isFhirId(body.id))
    return fail('INVALID_FHIR', `the partner's ${expected} has no valid id`, true, { outcomeUnknown: true });
  return { ok: true, resource: body as FhirResource };
}

const codesOf = (error: unknown): string[] => {
  const codes: string[] = [];
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (typeof current.code === 'string') codes.push(current.code);
    current = current.cause as typeof current;
  }
  return codes;
};

const tlsCode =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_OSSL_|HOSTNAME_MISMATCH)/;

/**
 * Decides a call that got no HTTP answer at all. A connection that was never
 * made (refused, TLS handshake, DNS) cannot have reached the partner; one
 * that broke or timed out after the request went out may have.
 */
export function classifyTransportError(error: unknown): PartnerCallError {
  const name = (error as { name?: unknown } | undefined)?.name;
  const codes = codesOf(error);
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  if (has('UND_ERR_CONNECT_TIMEOUT'))
    return new PartnerCallError('TIMEOUT', 'the partner did not accept the connection in time', true, {
      outcomeUnknown: false,
    });
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT')
  ) {
    return new PartnerCallError('TIMEOUT', 'the partner did not answer in time', true, { outcomeUnknown: true });
  }
  if (has('ECONNREFUSED'))
    return new PartnerCallError('CONNECTION_REFUSED', 'the partner refused the connection', true, {
      outcomeUnknown: false,
    });
  const tls = codes.find((c) => tlsCode.test(c));
  if (tls)
    return new PartnerCallError('TLS', `the TLS connection to the partner failed (${tls.slice(0, 60)})`, true, {
      outcomeUnknown: false,
    });
  if (has('ENOTFOUND', 'EAI_AGAIN'))
    return new PartnerCallError('DNS', "the partner's host name does not resolve", true, { outcomeUnknown: false });
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED')) {
    return new PartnerCallError('CONNECTION_RESET', 'the connection to the partner broke before its answer', true, {
      outcomeUnknown: true,
    });
  }
  const known = codes.find((c) => /^[A-Z0-9_]{2,40}$/.test(c));
  return new PartnerCallError('NETWORK', `the partner cannot be reached${known ? ` (${known})` : ''}`, true, {
    outcomeUnknown: true,
  });
}

export interface Identifier {
  system: string;
  value: string;
}

/** A token search value `system|value`, with FHIR's search escapes (\ | , $). */
export function identifierToken(identifier: Identifier): string {
  const escape = (s: string) => s.replace(/[\\|,$]/g, (c) => `\\${c}`);
  return `${escape(identifier.system)}|${escape(identifier.value)}`;
}

/** The If-None-Exist header of a conditional create: a URL-encoded search query. */
export function ifNoneExist(identifier: Identifier): string {
  return new URLSearchParams({ identifier: identifierToken(identifier) }).toString();
}

export function carriesIdentifier(resource: Record<string, unknown>, identifier: Identifier): boolean {
  const identifiers = Array.isArray(resource.identifier)
    ? (resource.identifier as Array<{ system?: unknown; value?: unknown }>)
    : [];
  return identifiers.some((i) => i.system === identifier.system && i.value === identifier.value);
}

/**
 * The Tasks of a searchset Bundle that carry our identifier, in the Bundle's
 * order (a server may match loosely or add included resources: only exact
 * matches count). Each must be a valid Task with an id.
 */
export function tasksInSearchset(bundle: FhirResource, identifier: Identifier): Classified<IdentifiedResource[]> {
  if (bundle.type !== 'searchset')
    return {
      ok: false,
      error: new PartnerCallError(
        'INVALID_FHIR',
        `the partner's search answered a ${String(bundle.type).slice(0, 20)} Bundle, not a searchset`,
        true,
      ),
    };
  const entries = Array.isArray(bundle.entry)
    ? (bundle.entry as Array<{ resource?: unknown; search?: { mode?: unknown } }>)
    : [];
  const tasks: IdentifiedResource[] = [];
  for (const entry of entries) {
    if (entry.search?.mode === 'include' || entry.search?.mode === 'outcome') continue;
    const resource = entry.resource;
    if (!isObject(resource) || resource.resourceType !== 'Task' || !carriesIdentifier(resource, identifier)) continue;
    const checked = classifyAnswer({ status: 200, body: resource }, 'Task');
    if (!checked.ok) return checked;
    tasks.push(checked.resource);
  }
  return { ok: true, resource: tasks };
}

/**
 * Which of the Tasks found to adopt: the first the partner lists. FHIR has
 * no creation time (meta.lastUpdated moves with every update), so the
 * partner's own order is the only one both sides can see; once adopted, its
 * id is kept and the choice is never made again. The others are reported.
 */
export function taskToAdopt(
  tasks: readonly IdentifiedResource[],
): { task: IdentifiedResource; others: string[] } | null {
  const [task, ...others] = tasks;
  return task ? { task, others: others.map((t) => t.id) } : null;
}
