// A test's HTTPS server that plays a system outside ours (a partner, a
// subscriber) and can go down and come back on the same port: `close` ends
// open keep-alive connections too, so "down" is down at once rather than
// when our client's idle sockets time out.
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface StoppableServer {
  /** Listens on 127.0.0.1 (`0`: any free port). */
  listen(port: number): Promise<void>;
  /** Stops listening and destroys every open connection; `beforeClose` runs first (e.g. releasing held answers). */
  close(): Promise<void>;
  port(): number;
}

export function stoppable(server: Server, beforeClose: () => void = () => {}): StoppableServer {
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    listen: (port) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        beforeClose();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    port: () => (server.address() as AddressInfo).port,
  };
}
