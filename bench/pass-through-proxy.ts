// The floor under the gateway hop's one-at-a-time row: a process that does nothing but pass each
// request on to one upstream (undici's request() on a keep-alive pool, as the gateway calls its
// subgraphs) and the answer back. Whatever it adds to a request is what any process between the
// caller and rooms costs on this machine (a loopback hop each way, two more wake-ups), before the
// gateway does any work of its own. Started by bench/scenarios/gateway-hop.ts as a process of its
// own; prints "listening <port>".
//
//   node --import tsx bench/pass-through-proxy.ts <upstream origin>
import http from 'node:http';
import { Pool } from 'undici';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: pass-through-proxy.ts <upstream origin>');
const pool = new Pool(upstream, { connections: 16 });

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    pool
      .request({ method: req.method as 'POST', path: req.url ?? '/', headers, body: Buffer.concat(chunks) })
      .then(async (answer) => {
        const body = Buffer.from(await answer.body.arrayBuffer());
        res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? '') });
        res.end(body);
      })
      .catch((error: unknown) => {
        res.writeHead(502).end(String(error));
      });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.close().then(() => process.exit(0));
});
