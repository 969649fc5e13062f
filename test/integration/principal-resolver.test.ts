// The gateway's principal resolver against a stand-in for identity's resolve endpoint, on a
// real loopback HTTP server: an answer identity could not have meant (not JSON, cut short,
// neither a principal nor a session problem) is "the sign-in service is unavailable" (503), the
// same as no answer, never an internal error; a session problem is a 401; a principal is the
// caller. close() ends the resolver's connections: a resolver closed asks no more.
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrincipalResolver, type PrincipalResolver } from '../../gateway/principal-resolver';

describe('the principal resolver', () => {
  let server: http.Server;
  let answer: { status: number; body: string };
  let asked = 0;
  let resolver: PrincipalResolver;
  const principal = {
    kind: 'user',
    userId: '7d3f6a8e-1c2b-4d5e-8f90-0a1b2c3d4e5f',
    role: 'USER',
    facilityId: '1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b',
    orgUnitId: null,
    sessionId: '2c3d4e5f-6071-4829-9a0b-1c2d3e4f5a6b',
    mustChangePassword: false,
    certificate: null,
    address: '127.0.0.1',
  };
  const request = () =>
    ({
      headers: { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz012345' },
      socket: { remoteAddress: '127.0.0.1' },
    }) as unknown as IncomingMessage;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        asked += 1;
        res.statusCode = answer.status;
        res.setHeader('content-type', 'application/json');
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    resolver = createPrincipalResolver({
      mode: 'off',
      certificates: null,
      identityResolveUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/resolve-principal`,
      sign: async () => 'internal-token',
      timeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    await resolver.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const unavailable = expect.objectContaining({
    ok: false,
    status: 503,
    message: expect.objectContaining({ en: 'The sign-in service is unavailable. Try again in a moment.' }),
  });

  it('a principal is the caller; a session problem is a 401', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({ principal, sessionProblem: null, expiresAt: null, restriction: null }),
    };
    expect(await resolver(request())).toEqual({ ok: true, principal, restriction: null });
    answer = {
      status: 200,
      body: JSON.stringify({ principal: null, sessionProblem: 'idle-expired', expiresAt: null, restriction: null }),
    };
    expect(await resolver(request())).toMatchObject({ ok: false, status: 401 });
  });

  it.each([
    ['not JSON', 'Internal Server Error'],
    ['cut short', '{"principal":{"kind":"us'],
    ['JSON null', 'null'],
    ['neither a principal nor a session problem', JSON.stringify({ sessionProblem: null })],
  ])('an answer that is %s: the sign-in service is unavailable (503)', async (_, body) => {
    answer = { status: 200, body };
    expect(await resolver(request())).toEqual(unavailable);
  });

  it('identity answering an error status: 503', async () => {
    answer = { status: 500, body: JSON.stringify({ error: 'boom' }) };
    expect(await resolver(request())).toEqual(unavailable);
  });

  it('closed, it asks identity no more', async () => {
    const closing = createPrincipalResolver({
      mode: 'off',
      certificates: null,
      identityResolveUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/resolve-principal`,
      sign: async () => 'internal-token',
      timeoutMs: 2_000,
    });
    answer = {
      status: 200,
      body: JSON.stringify({ principal, sessionProblem: null, expiresAt: null, restriction: null }),
    };
    expect(await closing(request())).toMatchObject({ ok: true });
    await closing.close();
    const before = asked;
    expect(await closing(request())).toEqual(unavailable);
    expect(asked).toBe(before);
  });
});
