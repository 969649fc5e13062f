// The HTTPS twin of ./http-server.ts, for a gateway that terminals reach
// directly (no TLS-terminating proxy in front). It asks every client for a
// certificate issued by our CA but does not reject the handshake without one:
// rejecting there would show the user a bare browser error, whereas letting
// the request through lets the gateway answer why it refuses
// (gateway/client-certificate.ts decides, per request).
import https from 'node:https';
import type { RequestListener } from 'node:http';
import { listenOn, type RunningServer } from './http-server';
import { StartupError } from './startup-error';

export interface HttpsServerTls {
  keyPem: string;
  certificatePem: string;
  /** The only CA whose client certificates count; replaces Node's public root list. */
  caCertificatePem: string;
}

export function listenHttps(
  handler: RequestListener,
  host: string,
  port: number,
  label: string,
  tls: HttpsServerTls,
): Promise<RunningServer> {
  let server: https.Server;
  try {
    server = https.createServer(
      {
        key: tls.keyPem,
        cert: tls.certificatePem,
        ca: tls.caCertificatePem,
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      },
      handler,
    );
  } catch (error) {
    // OpenSSL's message (e.g. "key values mismatch") names the problem; no key material is in it.
    return Promise.reject(
      new StartupError([`TLS: ${label} cannot use its key and certificate (${(error as Error).message})`]),
    );
  }
  return listenOn(server, 'https', host, port, label);
}
