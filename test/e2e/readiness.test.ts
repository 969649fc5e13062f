// /readyz tells a load balancer the truth: it turns 503 and names the part
// that is down when a subgraph (or its database) stops answering.
import { captureLogger } from '../support/capture-logger';
import { eventually } from '../support/eventually';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('gateway readiness', () => {
  let t: TestSystem;
  const log = captureLogger();
  beforeAll(async () => {
    t = await startTestSystem({ logger: log.logger });
  });
  afterAll(() => t.stop());

  it('is ready while everything answers, and names a stopped subgraph', async () => {
    // Each part's check has 2 s to answer: on a loaded CI machine a subgraph's database ping can miss the
    // first one right after start, so wait for "ready" (a positive signal) rather than demand it at once.
    const ready = await eventually(
      async () => (await fetch(`${t.system.gateway.url}/readyz`)).status,
      (status) => status === 200,
      15_000,
    );
    expect(ready).toBe(200);
    await t.system.subgraphs.rooms.close();
    const response = await fetch(`${t.system.gateway.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      checks: { identity: 'ok', rooms: 'unavailable', consent: 'ok', redis: 'ok' },
    });
    // Liveness is about the gateway process only.
    expect((await fetch(`${t.system.gateway.url}/healthz`)).status).toBe(200);
  });

  it('answers a query that needs the stopped subgraph with a masked error, and logs which subgraph failed and why', async () => {
    const since = log.lines.length;
    const response = await fetch(`${t.system.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ rooms { items { id } } }' }),
    });
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    // The operator's side: the subgraph and the class of the failure, not "TypeError: fetch failed".
    expect(await log.waitFor((line) => line.msg === 'subgraph request failed', since)).toMatchObject({
      subgraph: 'rooms',
      cause: 'ECONNREFUSED',
    });
  });
});
