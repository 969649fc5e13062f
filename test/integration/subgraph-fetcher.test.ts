// The gateway's subgraph fetcher (gateway/subgraph-fetcher.ts) against a real HTTP server: what
// Apollo's data source reads of an answer, an error status passed on as an answer, the deadline
// (a subgraph that never answers, and one that stops halfway through its body), a refused
// connection, and close() ending the pool. The failures must keep the classes the gateway logs
// (failureClass): they are what an operator reads to tell a slow subgraph from a missing one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphFetcher, type SubgraphFetcher } from '../../gateway/subgraph-fetcher';
import { failureClass } from '../../gateway/subgraph-data-source';

describe('the subgraph fetcher', () => {
  let server: http.Server;
  let base: string;
  let subject: SubgraphFetcher;
  const received: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/graphql') {
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.setHeader('cache-control', 'private, max-age=0');
          res.end(JSON.stringify({ data: { room: { id: 'r1', title: '高岡 太郎さんの部屋' } } }));
        } else if (req.url === '/invalid') {
          res.statusCode = 400;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] }));
        } else if (req.url === '/silent') {
          // Never answers.
        } else if (req.url === '/half') {
          res.setHeader('content-type', 'application/json');
          res.write('{"data":');
          // ...and never finishes.
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    subject = createSubgraphFetcher(300);
  });

  afterAll(async () => {
    await subject.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the body and headers it is given, and answers with what the data source reads', async () => {
    const response = await subject.fetcher(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-renkei-internal-token': 'token-1' },
      body: '{"query":"{ room { id } }"}',
    });
    expect(received.at(-1)).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-renkei-internal-token': 'token-1' },
      body: '{"query":"{ room { id } }"}',
    });
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${base}/graphql`);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('private, max-age=0');
    expect(response.headers.get('x-not-sent')).toBeNull();
    expect([...response.headers].map(([name]) => name)).toEqual(
      expect.arrayContaining(['content-type', 'cache-control', 'content-length']),
    );
    const copy = response.clone();
    expect(await response.json()).toEqual({ data: { room: { id: 'r1', title: '高岡 太郎さんの部屋' } } });
    // A body is read once, as with fetch; a clone made before has its own.
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(JSON.parse(await copy.text())).toEqual({ data: { room: { id: 'r1', title: '高岡 太郎さんの部屋' } } });
  });

  it('passes an error status on as an answer, for the data source to judge', async () => {
    const response = await subject.fetcher(`${base}/invalid`, { method: 'POST', body: '{}' });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('fails a subgraph that does not answer in time, and one that stops halfway through its body, as TimeoutError', async () => {
    for (const path of ['/silent', '/half']) {
      const started = Date.now();
      const failure = await subject.fetcher(`${base}${path}`, { method: 'POST', body: '{}' }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failureClass(failure)).toBe('TimeoutError');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('fails a refused connection as ECONNREFUSED', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await subject.fetcher(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failureClass(failure)).toBe('ECONNREFUSED');
  });

  it('refuses calls once closed', async () => {
    const own = createSubgraphFetcher(1_000);
    expect((await own.fetcher(`${base}/graphql`, { method: 'POST', body: '{}' })).status).toBe(200);
    await own.close();
    await expect(own.fetcher(`${base}/graphql`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
