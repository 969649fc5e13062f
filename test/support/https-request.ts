// One HTTPS request with a terminal's TLS options, answered as status,
// headers and the raw body: for the gateway's file routes, whose answers are
// not JSON (a CSV, a .p12) unless they are refusals.
import https from 'node:https';

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface TerminalTls {
  ca: string;
  pfx?: Buffer;
  passphrase?: string;
}

export function httpsRequest(
  url: string,
  options: { method: string; headers: Record<string, string>; tls: TerminalTls; body?: string },
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: options.method, headers: options.headers, ...options.tls, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The GraphQL-shaped errors of a refused file request. */
export function errorsOf(reply: HttpsReply): Array<{ message: string; extensions: Record<string, unknown> }> {
  return (
    JSON.parse(reply.body.toString('utf8')) as {
      errors: Array<{ message: string; extensions: Record<string, unknown> }>;
    }
  ).errors;
}
