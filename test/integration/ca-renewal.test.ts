// CA renewal (npm run ca:renew) over real TLS handshakes, as the gateway
// checks terminal certificates in tls mode: the renewed CA certificate
// accepts a terminal issued under the one it replaced, and a browser that
// still trusts the old root accepts the gateway's new server certificate
// and a terminal issued after the renewal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { openCertificateAuthority, renewCaCertificate } from '../../lib/pki/certificate-authority';

const DAY = 86_400_000;

/** Whether a server requiring client certificates from `trusted` accepts `client`, and the client accepts the server. */
async function handshake(
  trusted: { server: string; client: string },
  server: { certificatePem: string; keyPem: string },
  client: { certificatePem: string; keyPem: string },
): Promise<{ serverAccepted: boolean; clientAccepted: boolean }> {
  const listener = tls.createServer({
    cert: server.certificatePem,
    key: server.keyPem,
    ca: trusted.server,
    requestCert: true,
    rejectUnauthorized: false,
  });
  const accepted = new Promise<boolean>((resolve) => {
    listener.once('secureConnection', (socket) => {
      resolve(socket.authorized);
      socket.end();
    });
    listener.once('tlsClientError', () => resolve(false));
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const socket = tls.connect({
    port: (listener.address() as { port: number }).port,
    host: '127.0.0.1',
    ca: trusted.client,
    cert: client.certificatePem,
    key: client.keyPem,
    servername: 'localhost',
    rejectUnauthorized: false,
  });
  socket.on('error', () => undefined);
  const connected = new Promise<boolean>((resolve) => {
    socket.once('secureConnect', () => resolve(socket.authorized));
    socket.once('error', () => resolve(false));
  });
  try {
    return { clientAccepted: await connected, serverAccepted: await accepted };
  } finally {
    socket.destroy();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

describe('CA renewal over TLS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-ca-renewal-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps terminals issued before the renewal working, and old roots trusting what is issued after', async () => {
    const now = Date.now();
    const old = await openCertificateAuthority(dir, { now: () => new Date(now - 3640 * DAY) });
    const before = await openCertificateAuthority(dir);
    const oldTerminal = before.issueClientCertificate({ commonName: 'reception', passphrase: 'passphrase-1' });

    await renewCaCertificate(dir, new Date(now));
    const renewed = await openCertificateAuthority(dir);
    const server = renewed.issueServerCertificate(['localhost']);
    const newTerminal = renewed.issueClientCertificate({ commonName: 'reception', passphrase: 'passphrase-1' });

    const both = { server: renewed.caCertificatePem, client: renewed.caCertificatePem };
    expect(await handshake(both, server, oldTerminal)).toEqual({ serverAccepted: true, clientAccepted: true });
    expect(await handshake(both, server, newTerminal)).toEqual({ serverAccepted: true, clientAccepted: true });
    // A browser that still has the old root installed, during the weeks the new one is handed out.
    const oldRootInBrowser = { server: renewed.caCertificatePem, client: old.caCertificatePem };
    expect(await handshake(oldRootInBrowser, server, newTerminal)).toEqual({
      serverAccepted: true,
      clientAccepted: true,
    });
  });
});
