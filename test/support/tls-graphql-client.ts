// GraphQL over HTTPS with a client certificate, for tests of the gateway in
// `mode: 'tls'`. fetch cannot present a client certificate, so this uses
// node:https. Every request opens its own connection (agent: false): a TLS
// session resumed from an earlier request would carry that request's
// certificate, and a test switching terminals must really switch them.
import https from 'node:https';
import type { GraphQLResponse } from './graphql-client';

/** A terminal: its PKCS#12 (.p12) and the passphrase it was issued with. */
export interface TerminalIdentity {
  pfx: Buffer;
  passphrase: string;
}

export interface TlsRequestOptions {
  /** The client certificate to present; omit it to present none. */
  pfx?: Buffer;
  passphrase?: string;
  /** The CA to trust for the server's certificate (the network CA's PEM). */
  ca: string;
  /** A session token, sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/** A terminal identity from an issued certificate: `pkcs12Base64` (as issueClientCertificate returns it) or the raw .p12. */
export function terminalIdentity(pkcs12: Buffer | string, passphrase: string): TerminalIdentity {
  return { pfx: typeof pkcs12 === 'string' ? Buffer.from(pkcs12, 'base64') : pkcs12, passphrase };
}

export function tlsGraphql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: TlsRequestOptions,
): Promise<GraphQLResponse<T>> {
  const body = JSON.stringify({ query, variables });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'POST', headers, ca: options.ca, pfx: options.pfx, passphrase: options.passphrase, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(text) as Omit<GraphQLResponse<T>, 'status'>;
            resolve({ status: res.statusCode ?? 0, ...parsed });
          } catch {
            reject(new Error(`HTTP ${res.statusCode}: not JSON: ${text.slice(0, 200)}`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
