// Our calls to a partner's FHIR endpoint (Art. 20-3, the requester side of
// the exchange contract v1), through fhir-kit-client. Every call:
// - carries a fresh JWT (signPartnerJwt: iss = sub = the id the partner
//   registered us under, aud = its FHIR base URL, a new jti each time);
// - gives up after `timeoutMs` (AbortSignal), so a partner that hangs cannot
//   hold a worker;
// - trusts the partner's private CA when one is configured (`trustedCaPems`),
//   else the system's CAs;
// - checks what came back against FHIR R4 (adapters/fhir/validator.ts)
//   before anyone reads it;
// - fails with a PartnerCallError whose `code` says what happened and whether
//   a retry can help. Messages hold status codes and FHIR paths only, never
//   the request or response body (they name people).
//
// fhir-kit-client 2 calls the global fetch (undici), which ignores Node's
// https agent options: a custom CA needs an undici dispatcher. Node bundles
// undici without exporting it, and the `undici` package is not a dependency,
// so the dispatcher class is taken from the global dispatcher Node creates on
// first use (see undiciAgent below). Adding `undici` as a dependency would
// replace that with a plain import.
import { validateR4 } from '../fhir/validator';

/** A FHIR resource as parsed JSON. */
export type FhirResource = Record<string, unknown> & { resourceType: string };

export type PartnerErrorCode = 'TIMEOUT' | 'NETWORK' | 'HTTP_4XX' | 'HTTP_5XX' | 'AUTH' | 'INVALID_FHIR' | 'CONTRACT_REFUSAL';

export class PartnerCallError extends Error {
  constructor(
    readonly code: PartnerErrorCode,
    message: string,
    /** Whether trying again later can succeed (partner down, slow, broken for a while). */
    readonly retryable: boolean,
    readonly status?: number,
    /** The OperationOutcome's first issue code, for a refusal (e.g. not-found, invalid). */
    readonly issueCode?: string,
  ) {
    super(message);
    this.name = 'PartnerCallError';
  }
}

export interface PartnerEndpoint {
  /** The partner's FHIR base URL (also the aud of our JWTs). */
  fhirBaseUrl: string;
}

export interface PartnerClientOptions {
  /** Signs the bearer token for one call to `audience`. */
  signJwt(audience: string): Promise<string>;
  timeoutMs?: number;
  /** PEM certificates of the CAs that issued partners' server certificates (private CAs); none: the system's CAs. */
  trustedCaPems?: readonly string[];
}

export interface PartnerClient {
  /** POST Task: 201 (created) or 200 (the same identifier again: the existing Task). */
  createTask(task: Record<string, unknown>): Promise<{ status: number; task: FhirResource & { id: string } }>;
  readTask(id: string): Promise<FhirResource & { id: string }>;
  readCareTeam(id: string): Promise<FhirResource & { id: string }>;
}

type Dispatcher = object;
const dispatchers = new Map<string, Dispatcher>();

/** An undici Agent trusting `ca` (see the header). Cached per CA set: connections are pooled. */
async function undiciAgent(ca: readonly string[]): Promise<Dispatcher> {
  const key = ca.join('\n');
  const cached = dispatchers.get(key);
  if (cached) return cached;
  const globalKey = Symbol.for('undici.globalDispatcher.1');
  // The global of the realm `fetch` comes from (the same as globalThis, except in a sandbox such as jest's).
  const fetchRealm = (fetch as unknown as { constructor: FunctionConstructor }).constructor('return globalThis')() as typeof globalThis;
  const holder = fetchRealm as unknown as Record<symbol, { constructor: new (options: unknown) => Dispatcher } | undefined>;
  // A data: URL makes Node set up its global dispatcher without any network traffic.
  if (!holder[globalKey]) await (await fetch('data:,')).text();
  const Agent = holder[globalKey]?.constructor;
  if (!Agent) throw new Error('cannot configure TLS trust for partner calls: this Node.js has no undici global dispatcher');
  const agent = new Agent({ connect: { ca: [...ca] } });
  dispatchers.set(key, agent);
  return agent;
}

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

function classify(error: unknown): PartnerCallError {
  if (error instanceof PartnerCallError) return error;
  const e = error as { name?: string; response?: { status?: number; data?: unknown }; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new PartnerCallError('TIMEOUT', 'the partner did not answer in time', true);
  const status = e?.response?.status;
  if (typeof status === 'number') {
    const data = e.response?.data as { resourceType?: string; issue?: Array<{ code?: string }> } | undefined;
    const issueCode = data?.resourceType === 'OperationOutcome' ? data.issue?.[0]?.code : undefined;
    if (status >= 500 || status === 429 || status === 408) return new PartnerCallError('HTTP_5XX', `the partner answered HTTP ${status}`, true, status, issueCode);
    // Our key not (yet) registered there, or the partner suspended us: an operator can fix it, so it is retried and dead-lettered, not final.
    if (status === 401 || status === 403) return new PartnerCallError('AUTH', `the partner refused our credentials (HTTP ${status})`, true, status, issueCode);
    return new PartnerCallError('HTTP_4XX', `the partner refused the request (HTTP ${status}${issueCode ? `, ${issueCode}` : ''})`, false, status, issueCode);
  }
  if (e?.name === 'SyntaxError') return new PartnerCallError('INVALID_FHIR', 'the partner answered something that is not JSON', true);
  return new PartnerCallError('NETWORK', `the partner cannot be reached${e?.cause?.code ? ` (${e.cause.code})` : ''}`, true);
}

/** What came back must be a valid R4 resource of the expected type with an id. */
function checked(resource: FhirResource, resourceType: string): FhirResource & { id: string } {
  const result = validateR4(resource);
  if (!result.valid) throw new PartnerCallError('INVALID_FHIR', `the partner's ${resourceType} is not valid FHIR R4 (${result.issues.slice(0, 3).map((i) => i.expression).join(', ')})`, true);
  if (resource.resourceType !== resourceType) throw new PartnerCallError('INVALID_FHIR', `the partner answered a ${String(resource.resourceType).slice(0, 40)}, not a ${resourceType}`, true);
  if (typeof resource.id !== 'string' || !idPattern.test(resource.id)) throw new PartnerCallError('INVALID_FHIR', `the partner's ${resourceType} has no valid id`, true);
  return resource as FhirResource & { id: string };
}

export async function createPartnerClient(partner: PartnerEndpoint, options: PartnerClientOptions): Promise<PartnerClient> {
  // fhir-kit-client 2 is an ES module; node16 module resolution keeps this a real import().
  const { Client, RESPONSE_KEY } = await import('fhir-kit-client');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const requestOptions = options.trustedCaPems?.length ? { dispatcher: await undiciAgent(options.trustedCaPems) } : {};
  const baseUrl = partner.fhirBaseUrl.replace(/\/+$/, '');
  const client = new Client({ baseUrl, requestOptions });

  async function call<T>(run: (options: { headers: Record<string, string>; signal: AbortSignal }) => Promise<T>): Promise<T> {
    const token = await options.signJwt(baseUrl);
    try {
      return await run({ headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw classify(error);
    }
  }

  return {
    createTask: (task) =>
      call(async (requestOptions) => {
        const created = await client.create({ resourceType: 'Task', body: task as FhirResource, options: requestOptions });
        const response = (created as Record<string, unknown>)[RESPONSE_KEY] as Response | undefined;
        return { status: response?.status ?? 0, task: checked(created, 'Task') };
      }),
    readTask: async (id) => {
      if (!idPattern.test(id)) throw new PartnerCallError('INVALID_FHIR', 'the partner gave an invalid Task id', false);
      return call(async (requestOptions) => checked(await client.read({ resourceType: 'Task', id, options: requestOptions }), 'Task'));
    },
    readCareTeam: async (id) => {
      if (!idPattern.test(id)) throw new PartnerCallError('INVALID_FHIR', 'the partner gave an invalid CareTeam id', false);
      return call(async (requestOptions) => checked(await client.read({ resourceType: 'CareTeam', id, options: requestOptions }), 'CareTeam'));
    },
  };
}
