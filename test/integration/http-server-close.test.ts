// Closing a listener while a request on a keep-alive connection is still being
// answered: the close resolves once that answer is sent, not at the keep-alive
// timeout (65 s). Before, a subgraph stopping while it answered the gateway held
// the whole stop for that minute (test/e2e/gateway-stop-drain.test.ts found it).
import http from 'node:http';
import { listen } from '../../lib/http-server';

it('answers the request in flight with Connection: close and finishes closing right after it', async () => {
  let answer: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = await listen(
    (_request, response) => {
      arrived();
      void answered.then(() => response.end('done'));
    },
    '127.0.0.1',
    0,
    'the test server',
  );

  const agent = new http.Agent({ keepAlive: true });
  const response = new Promise<{ status?: number; connection?: string; body: string }>((resolve, reject) => {
    http
      .get(`${server.url}/`, { agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
      })
      .on('error', reject);
  });
  await arrival;

  const started = Date.now();
  let closed = false;
  const closing = server.close().then(() => (closed = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(closed).toBe(false); // the answer is still owed
  answer();
  expect(await response).toEqual({ status: 200, connection: 'close', body: 'done' });
  await closing;
  expect(Date.now() - started).toBeLessThan(5_000);
  agent.destroy();
});
