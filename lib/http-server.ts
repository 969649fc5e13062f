// Listening and closing an HTTP server the same way everywhere: a port in
// use becomes a StartupError, and closing also ends idle keep-alive sockets
// so shutdown is not held up by clients. A request still being answered when
// closing starts gets its answer with `Connection: close`: its keep-alive
// socket would otherwise stay open after it, holding the close for the whole
// keep-alive timeout (65 s; found with a subgraph answering the gateway during
// a stop, test/e2e/gateway-stop-drain.test.ts).
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StartupError } from './startup-error';

export interface RunningServer {
  server: http.Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The settings a listen problem names (the metrics listener's are METRICS_HOST and METRICS_PORT). */
export interface ListenSettings {
  host: string;
  port: string;
}
const serviceListen: ListenSettings = { host: 'HOST', port: 'PORT' };

export function listen(
  handler: RequestListener,
  host: string,
  port: number,
  label: string,
  settings: ListenSettings = serviceListen,
): Promise<RunningServer> {
  return listenOn(http.createServer(handler), 'http', host, port, label, settings);
}

/** Starts an already built server (HTTP or HTTPS) the same way: keep-alive, startup errors, closing. */
export function listenOn(
  server: http.Server,
  scheme: 'http' | 'https',
  host: string,
  port: number,
  label: string,
  settings: ListenSettings = serviceListen,
): Promise<RunningServer> {
  // Longer than typical proxies' idle timeouts, so the proxy closes first.
  server.keepAliveTimeout = 65_000;
  const answering = new Set<http.ServerResponse>();
  server.on('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
    answering.add(response);
    response.once('close', () => answering.delete(response));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(
          new StartupError([`${settings.port}: ${label} cannot listen on ${host}:${port}, the port is already in use`]),
        );
      else if (error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL')
        reject(
          new StartupError([
            `${settings.host}/${settings.port}: ${label} cannot listen on ${host}:${port} (${error.code})`,
          ]),
        );
      else reject(error);
    });
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        port: address.port,
        url: `${scheme}://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            if (!server.listening) return done();
            server.close((error) => (error ? fail(error) : done()));
            for (const response of answering) if (!response.headersSent) response.setHeader('Connection', 'close');
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/** Null when the port can be bound, else the problem (used to report all startup problems at once). */
export async function probePort(
  host: string,
  port: number,
  label: string,
  settings: ListenSettings = serviceListen,
): Promise<string | null> {
  if (port === 0) return null;
  try {
    const probe = await listen(() => undefined, host, port, label, settings);
    await probe.close();
    return null;
  } catch (error) {
    if (error instanceof StartupError) return error.problems[0] ?? error.message;
    throw error;
  }
}
