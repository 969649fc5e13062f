// A generic FHIR R4 server, played by the test: it stands for any partner
// that is not this software (a HAPI or a vendor's server that stores Tasks
// and knows nothing of our contract). Unlike test/support/mock-partner.ts it
// does NOT deduplicate by identifier: a second POST of the same Task stores a
// second Task, unless the POST is a FHIR conditional create (If-None-Exist),
// which it honours as the FHIR spec says (no match: create, 201; one match:
// 200 with it; more than one: 412), or, when `honourIfNoneExist` is off,
// ignores like a server that does not implement it.
//
// Served over HTTPS (certificate from the test's partner CA):
//   POST Task                     store any Task (id task-<n>, meta.versionId/lastUpdated)
//   GET  Task/<id>                the stored Task
//   GET  Task?identifier=[system]|value   a searchset Bundle, in storing order
//   PUT  Task/<id>                replace a stored Task (what the partner's
//                                 people do to accept or complete it); an
//                                 If-Match W/"<versionId>" that is not the
//                                 current version is 412
//   PATCH Task/<id>               a JSON Patch (test, replace, add on
//                                 top-level paths; a failed test is 409), or
//                                 405 when `options.patch` is off, as on a
//                                 server that does not implement patch
//   GET  CareTeam/<id>            what the test stored in `careTeams`
// Any bearer token is accepted (authentication is mock-partner's subject).
// With `clientCertificates` the server does mutual TLS as a partner that
// calls for it would: the handshake requires a client certificate chained to
// the given CA (ours), and every request whose certificate is not the one
// registered for us (`clientCertificates.allowed`, SHA-256) is answered 401.
//
// Faults (`inject`) apply to the next N requests matching a method: an
// answer with any status and body, a hang (no answer until the server
// stops), or a reset connection; with `store: true` the server first does
// the work (a POST stores its Task) and only then fails, which is how a lost
// answer looks from our side.
import { createHash } from 'node:crypto';
import https from 'node:https';
import { stoppable } from './stoppable-server';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Resource = Record<string, unknown> & { resourceType: string; id: string };

export type Fault = { times?: number; method?: 'GET' | 'POST' | 'PUT' | 'PATCH'; store?: boolean } & (
  | { kind: 'answer'; status: number; body: string; contentType?: string }
  | { kind: 'hang' }
  | { kind: 'reset' }
);

export interface SeenRequest {
  method: string;
  path: string;
  ifNoneExist?: string;
  contentType?: string;
  ifMatch?: string;
  /** Whether an Authorization header came with the request. */
  authorization: boolean;
  /** The SHA-256 fingerprint of the client certificate presented, if any. */
  clientCertificate?: string;
  /** The status answered, or how the request ended without one. */
  outcome: number | 'hang' | 'reset';
}

export interface GenericFhirServer {
  /** The FHIR base URL (https://127.0.0.1:<port>/fhir). */
  url: string;
  tasks: Map<string, Resource>;
  careTeams: Map<string, Resource>;
  requests: SeenRequest[];
  options: { honourIfNoneExist: boolean; patch: boolean };
  inject(fault: Fault): void;
  /** Drops the faults not yet used up. */
  clearFaults(): void;
  /** Stored Tasks carrying this identifier, in storing order. */
  tasksWith(system: string, value: string): Resource[];
  /** Stores a Task directly, as another client of the server would have. */
  seed(task: Record<string, unknown>): Resource;
  /** Moves a stored Task on through the server's own PUT (as the partner's people would). */
  updateTask(id: string, changes: Record<string, unknown>): Promise<number>;
  stop(): Promise<void>;
}

const outcome = (code: string, diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics }],
});

/** A token search value: `system|value`, `|value` (no system) or `value` (any system), with FHIR's \ escapes. */
function parseToken(token: string): { system?: string; value: string } {
  let system: string | undefined;
  let current = '';
  for (let i = 0; i < token.length; i += 1) {
    const c = token[i] as string;
    if (c === '\\' && i + 1 < token.length) current += token[(i += 1)] as string;
    else if (c === '|' && system === undefined) [system, current] = [current, ''];
    else current += c;
  }
  return system === undefined ? { value: current } : { system, value: current };
}

function matches(task: Resource, token: { system?: string; value: string }): boolean {
  const identifiers = Array.isArray(task.identifier)
    ? (task.identifier as Array<{ system?: string; value?: string }>)
    : [];
  return identifiers.some(
    (i) => i.value === token.value && (token.system === undefined || (i.system ?? '') === token.system),
  );
}

export interface ClientCertificateCheck {
  /** The CA client certificates must chain to (the requester's network CA). */
  caPem: string;
  /** The fingerprints (SHA-256, lowercase hex) accepted now; read per request, so a test may change it. */
  allowed: () => readonly string[];
}

export async function startGenericFhirServer(options: {
  tls: { certificatePem: string; keyPem: string };
  caCertificatePem: string;
  clientCertificates?: ClientCertificateCheck;
}): Promise<GenericFhirServer> {
  const faults: Array<Fault & { left: number }> = [];
  const hanging = new Set<ServerResponse>();
  let counter = 0;
  let baseUrl = '';

  const server: Omit<GenericFhirServer, 'url' | 'stop' | 'updateTask' | 'clearFaults'> = {
    tasks: new Map(),
    careTeams: new Map(),
    requests: [],
    options: { honourIfNoneExist: true, patch: true },
    inject: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    tasksWith: (system, value) => [...server.tasks.values()].filter((t) => matches(t, { system, value })),
    seed: (task) => store(task),
  };

  function store(task: Record<string, unknown>): Resource {
    counter += 1;
    const stored = {
      ...task,
      resourceType: 'Task',
      id: `task-${counter}`,
      meta: { versionId: '1', lastUpdated: new Date().toISOString() },
    } as Resource;
    server.tasks.set(stored.id, stored);
    return stored;
  }

  /** A new version of a stored Task. */
  function save(current: Resource, body: Record<string, unknown>): Resource {
    const version = Number((current.meta as { versionId?: string }).versionId ?? '1') + 1;
    const updated = {
      ...body,
      resourceType: 'Task',
      id: current.id,
      meta: { versionId: String(version), lastUpdated: new Date().toISOString() },
    } as Resource;
    server.tasks.set(current.id, updated);
    return updated;
  }

  /** The server's normal work and answer (side effects included). */
  function work(
    method: string,
    path: string,
    headers: IncomingMessage['headers'],
    raw: string,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const url = new URL(path, 'https://server.invalid');
    const route = url.pathname.replace(/^\/fhir/, '');
    let body: Record<string, unknown> | undefined;
    if (method === 'POST' || method === 'PUT') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return { status: 400, body: outcome('structure', 'the body is not JSON') };
      }
      if (body?.resourceType !== 'Task') return { status: 400, body: outcome('invalid', 'expected a Task') };
    }
    const patch = /^\/Task\/([A-Za-z0-9\-.]{1,64})$/.exec(route);
    if (method === 'PATCH' && patch) {
      if (!server.options.patch) return { status: 405, body: outcome('not-supported', 'PATCH is not supported') };
      if (headers['content-type'] !== 'application/json-patch+json')
        return { status: 415, body: outcome('not-supported', 'PATCH takes application/json-patch+json') };
      const current = server.tasks.get(patch[1] as string);
      if (!current) return { status: 404, body: outcome('not-found', `Task/${patch[1]} is not known`) };
      let ops: Array<{ op?: string; path?: string; value?: unknown }>;
      try {
        ops = JSON.parse(raw) as typeof ops;
      } catch {
        return { status: 400, body: outcome('structure', 'the body is not JSON') };
      }
      const next: Record<string, unknown> = { ...current };
      for (const op of ops) {
        const key = /^\/([A-Za-z]+)$/.exec(op.path ?? '')?.[1];
        if (!key) return { status: 400, body: outcome('not-supported', 'only top-level paths are supported') };
        if (op.op === 'test' && JSON.stringify(next[key]) !== JSON.stringify(op.value))
          return { status: 409, body: outcome('conflict', `test failed on ${op.path}`) };
        if (op.op === 'replace' || op.op === 'add') next[key] = op.value;
      }
      return { status: 200, body: save(current, next) };
    }
    if (method === 'POST' && route === '/Task') {
      const condition = headers['if-none-exist'];
      if (server.options.honourIfNoneExist && typeof condition === 'string') {
        const identifier = new URLSearchParams(condition).get('identifier');
        if (!identifier)
          return { status: 400, body: outcome('not-supported', 'If-None-Exist: only identifier= is supported') };
        const found = [...server.tasks.values()].filter((t) => matches(t, parseToken(identifier)));
        if (found.length > 1)
          return { status: 412, body: outcome('duplicate', `${found.length} Tasks match If-None-Exist`) };
        if (found.length === 1) return { status: 200, body: found[0] };
      }
      const created = store(body as Record<string, unknown>);
      return { status: 201, body: created, headers: { location: `${baseUrl}/Task/${created.id}/_history/1` } };
    }
    if (method === 'GET' && route === '/Task') {
      const identifier = url.searchParams.get('identifier');
      if (!identifier) return { status: 400, body: outcome('not-supported', 'search Tasks by identifier') };
      const found = [...server.tasks.values()].filter((t) => matches(t, parseToken(identifier)));
      return {
        status: 200,
        body: {
          resourceType: 'Bundle',
          type: 'searchset',
          total: found.length,
          entry: found.map((t) => ({ fullUrl: `${baseUrl}/Task/${t.id}`, resource: t, search: { mode: 'match' } })),
        },
      };
    }
    const read = /^\/(Task|CareTeam)\/([A-Za-z0-9\-.]{1,64})$/.exec(route);
    if (read && method === 'GET') {
      const found = (read[1] === 'Task' ? server.tasks : server.careTeams).get(read[2] as string);
      return found
        ? { status: 200, body: found }
        : { status: 404, body: outcome('not-found', `${read[1]}/${read[2]} is not known`) };
    }
    if (read && read[1] === 'Task' && method === 'PUT') {
      const current = server.tasks.get(read[2] as string);
      if (!current) return { status: 404, body: outcome('not-found', `Task/${read[2]} is not known`) };
      if (body?.id !== current.id)
        return { status: 400, body: outcome('invalid', 'the id in the body must be the id in the URL') };
      const ifMatch = headers['if-match'];
      if (typeof ifMatch === 'string' && ifMatch !== `W/"${(current.meta as { versionId?: string }).versionId}"`)
        return { status: 412, body: outcome('conflict', 'the Task changed since that version') };
      return { status: 200, body: save(current, body as Record<string, unknown>) };
    }
    return { status: 404, body: outcome('not-supported', `${method} ${route} is not supported`) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const raw = (req.socket as TLSSocket).getPeerCertificate?.(false)?.raw;
    const seen: SeenRequest = {
      method,
      path,
      ifNoneExist: typeof req.headers['if-none-exist'] === 'string' ? req.headers['if-none-exist'] : undefined,
      contentType: req.headers['content-type'],
      ifMatch: typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined,
      authorization: req.headers.authorization !== undefined,
      clientCertificate: raw ? createHash('sha256').update(raw).digest('hex') : undefined,
      outcome: 0,
    };
    server.requests.push(seen);
    if (
      options.clientCertificates &&
      !(seen.clientCertificate && options.clientCertificates.allowed().includes(seen.clientCertificate))
    ) {
      seen.outcome = 401;
      res.writeHead(401, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(outcome('login', 'this client certificate is not the one registered for you')));
      return;
    }
    const index = faults.findIndex((f) => !f.method || f.method === method);
    const fault = index >= 0 ? faults[index] : undefined;
    if (fault) {
      fault.left -= 1;
      if (fault.left <= 0) faults.splice(index, 1);
      if (fault.store) work(method, path, req.headers, Buffer.concat(chunks).toString('utf8'));
      if (fault.kind === 'hang') {
        seen.outcome = 'hang';
        hanging.add(res);
        return;
      }
      if (fault.kind === 'reset') {
        seen.outcome = 'reset';
        req.socket.destroy();
        return;
      }
      seen.outcome = fault.status;
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/fhir+json' });
      res.end(fault.body);
      return;
    }
    const answer = work(method, path, req.headers, Buffer.concat(chunks).toString('utf8'));
    seen.outcome = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/fhir+json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  const clientAuth = options.clientCertificates
    ? { ca: [options.clientCertificates.caPem], requestCert: true, rejectUnauthorized: true }
    : {};
  const http = https.createServer(
    { cert: options.tls.certificatePem, key: options.tls.keyPem, ...clientAuth },
    (req, res) => {
      handle(req, res).catch(() => {
        res.writeHead(500, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(outcome('exception', 'generic server failure')));
      });
    },
  );
  const running = stoppable(http, () => {
    for (const res of hanging) res.destroy();
    hanging.clear();
  });
  await running.listen(0);
  baseUrl = `https://127.0.0.1:${running.port()}/fhir`;

  async function updateTask(id: string, changes: Record<string, unknown>): Promise<number> {
    const current = server.tasks.get(id);
    if (!current) throw new Error(`no Task/${id} at the generic server`);
    const { meta: _meta, ...rest } = current;
    const body = JSON.stringify({ ...rest, ...changes, id });
    return new Promise((resolve, reject) => {
      const request = https.request(
        `${baseUrl}/Task/${id}`,
        { method: 'PUT', ca: options.caCertificatePem, headers: { 'content-type': 'application/fhir+json' } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  return Object.assign(server, {
    url: baseUrl,
    updateTask,
    clearFaults: () => void faults.splice(0, faults.length),
    stop: running.close,
  });
}
