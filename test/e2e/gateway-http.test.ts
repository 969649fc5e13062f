// The gateway as HTTP clients expect it (a browser console on another
// origin, a hand-written client): CORS for the listed origins only, the
// authentication scheme read case-insensitively, and one error shape for
// every refusal, from the body parser's to a resolver's.
import { actorWithRole, type Actor } from '../support/actors';
import { startTestSystem, type TestSystem } from '../support/test-system';

const consoleOrigin = 'http://localhost:5173';

let t: TestSystem;
let user: Actor;

beforeAll(async () => {
  t = await startTestSystem({ gatewayProtection: { corsOrigins: [consoleOrigin] } });
  user = await actorWithRole(t, 'USER');
});
afterAll(async () => t?.stop());

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  });

describe('CORS', () => {
  it('answers a listed origin’s preflight with what a GraphQL client sends, credentials included', async () => {
    const response = await preflight(t.graphqlUrl, consoleOrigin);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'x-request-id']),
    );
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets the listed origin read the answer to its request, and the request id', async () => {
    const response = await fetch(t.graphqlUrl, {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json', origin: consoleOrigin },
      body: JSON.stringify({ query: '{ me { user { id } } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
    expect(await response.json()).toEqual({ data: { me: { user: { id: user.userId } } } });
  });

  it('gives any other origin no CORS headers, so its browser refuses the answer', async () => {
    for (const origin of ['http://localhost:5174', 'https://localhost:5173', 'null', 'http://evil.example']) {
      const response = await preflight(t.graphqlUrl, origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('never answers CORS on the partner endpoint (servers, not browsers)', async () => {
    const response = await preflight(t.system.exchange.fhirBaseUrl + '/Task', consoleOrigin);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the authentication scheme', () => {
  const me = (authorization: string) =>
    fetch(t.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ me { user { id } } }' }),
    });

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('reads "%s <token>" as the session token', async (scheme) => {
    const response = await me(`${scheme} ${user.token}`);
    expect(await response.json()).toEqual({ data: { me: { user: { id: user.userId } } } });
  });

  it.each([`Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer', `Bearer  ${'x'.repeat(8)}`, 'Token abc'])(
    'refuses %j with a message naming the expected form',
    async (authorization) => {
      const response = await me(authorization);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        errors: [
          {
            message: 'The Authorization header must be "Bearer <session token>". Send the token signIn returned.',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
    },
  );
});

describe('one error shape', () => {
  type ErrorBody = { data?: unknown; errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> };

  /** Every error answer: a JSON object with errors (and data only once execution began), each with a message and a code. */
  function expectErrorShape(body: ErrorBody, code: string, executed: boolean): void {
    expect(Object.keys(body).sort()).toEqual(executed ? ['data', 'errors'] : ['errors']);
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) {
      expect(typeof error.message).toBe('string');
      expect(typeof error.extensions?.code).toBe('string');
      expect(JSON.stringify(error)).not.toMatch(/stacktrace|at \//i);
    }
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
  }

  const raw = (init: RequestInit & { path?: string }) => fetch(init.path ?? t.graphqlUrl, init);

  it.each([
    ['GET', { method: 'GET' }, 405, 'BAD_REQUEST'],
    ['text/plain', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }, 415, 'BAD_REQUEST'],
    [
      'bad JSON',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' },
      400,
      'BAD_REQUEST',
    ],
    ['a batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }, 400, 'BAD_REQUEST'],
    [
      'an unknown session',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${'x'.repeat(43)}` },
        body: '{"query":"{ me { user { id } } }"}',
      },
      401,
      'UNAUTHENTICATED',
    ],
  ] as const)('a request refused before execution (%s) has errors and no data', async (_name, init, status, code) => {
    const response = await raw(init as RequestInit);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectErrorShape((await response.json()) as ErrorBody, code, false);
  });

  it('an unknown path, an invalid operation and a too complex one: the same shape', async () => {
    const unknown = await raw({ path: t.graphqlUrl.replace('/graphql', '/nothing-here'), method: 'GET' });
    expect(unknown.status).toBe(404);
    expectErrorShape((await unknown.json()) as ErrorBody, 'NOT_FOUND', false);

    const post = (query: string) =>
      raw({
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
    const invalid = await post('{ noSuchField }');
    expect(invalid.status).toBe(400);
    expectErrorShape((await invalid.json()) as ErrorBody, 'GRAPHQL_VALIDATION_FAILED', false);

    const deep = await post(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { user { id } }`).join(' ')} }`);
    expect(deep.status).toBe(400);
    expectErrorShape((await deep.json()) as ErrorBody, 'OPERATION_TOO_COMPLEX', false);
  });

  it('a refusal during execution has data and the path of the refused field', async () => {
    const response = await raw({
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ room(id: "00000000-0000-4000-8000-000000000000") { title } }' }),
    });
    const body = (await response.json()) as ErrorBody & { errors: Array<{ path?: unknown }> };
    expectErrorShape(body, body.errors[0]?.extensions?.code as string, true);
    expect(body.errors[0]?.path).toEqual(['room']);
  });
});

describe("messages in the caller's language (Accept-Language)", () => {
  type Answer = { errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }> };
  const roomQuery = JSON.stringify({ query: '{ room(id: "00000000-0000-4000-8000-000000000000") { title } }' });
  const ask = async (headers: Record<string, string>, body = roomQuery) => {
    const response = await fetch(t.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { response, body: (await response.json()) as Answer };
  };
  const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;

  it('gives a subgraph refusal in Japanese or English, with the same code either way', async () => {
    const ja = await ask({ ...user.headers, 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.8' });
    const en = await ask({ ...user.headers, 'accept-language': 'en-US,en;q=0.9' });
    const none = await ask(user.headers);
    const [jaError, enError] = [ja.body.errors?.[0], en.body.errors?.[0]];
    expect(jaError?.extensions?.code).toBeDefined();
    expect(jaError?.extensions).toEqual(enError?.extensions);
    expect(jaError?.message).toMatch(japanese);
    expect(jaError?.message).toMatch(/。$/);
    expect(enError?.message).toMatch(/^[A-Z].*\.$/);
    expect(enError?.message).not.toMatch(japanese);
    // English is the documented default.
    expect(none.body.errors?.[0]?.message).toBe(enError?.message);
    expect(ja.response.headers.get('vary')).toMatch(/Accept-Language/i);
  });

  it('refuses at the gateway door in Japanese too: a session, a body', async () => {
    const session = await ask({ authorization: `Bearer ${'x'.repeat(43)}`, 'accept-language': 'ja' });
    expect(session.response.status).toBe(401);
    expect(session.body).toEqual({
      errors: [
        {
          message: 'セッションは終了しています。もう一度サインインしてください。',
          extensions: { code: 'UNAUTHENTICATED', reason: 'SESSION_ENDED' },
        },
      ],
    });
    const badJson = await ask({ 'accept-language': 'ja' }, '{"query": ');
    expect(badJson.response.status).toBe(400);
    expect(badJson.body.errors?.[0]).toEqual({
      message: 'リクエストの本文が正しい JSON ではありません。修正してからやり直してください。',
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('ignores a language a client writes into the internal header itself', async () => {
    const forged = await ask({ ...user.headers, 'x-renkei-language': 'ja' });
    const english = await ask({ ...user.headers, 'accept-language': 'en' });
    expect(forged.body.errors?.[0]?.message).toBe(english.body.errors?.[0]?.message);
    expect(forged.body.errors?.[0]?.message).not.toMatch(japanese);
    const door = await ask({ authorization: `Bearer ${'x'.repeat(43)}`, 'x-renkei-language': 'ja' });
    expect(door.body.errors?.[0]?.message).toBe('The session has ended. Sign in again.');
  });
});
