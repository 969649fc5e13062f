// The gateway's HTTPS server (lib/https-server.ts, as gateway/main.ts and
// npm start use it) accepts TLS 1.2 and 1.3 only. The client here offers
// the old versions explicitly (and lowers its own security level so that it
// can), so a refusal can only come from the server: the handshake fails with
// the server's protocol-version alert.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { listenHttps } from '../../lib/https-server';
import type { RunningServer } from '../../lib/http-server';
import { openCertificateAuthority, type CertificateAuthority } from '../../lib/pki/certificate-authority';

let caDir: string;
let ca: CertificateAuthority;
let server: RunningServer;

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-tls-versions-'));
  ca = await openCertificateAuthority(caDir);
  server = await listenHttps((_req, res) => res.end('ok'), '127.0.0.1', 0, 'the gateway', {
    ...ca.issueServerCertificate(['127.0.0.1']),
    caCertificatePem: ca.caCertificatePem,
  });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(caDir, { recursive: true, force: true });
});

function handshake(
  version: tls.SecureVersion,
): Promise<{ ok: true; protocol: string | null } | { ok: false; code: string | undefined }> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: server.port,
      ca: ca.caCertificatePem,
      minVersion: version,
      maxVersion: version,
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    socket.once('secureConnect', () => {
      resolve({ ok: true, protocol: socket.getProtocol() });
      socket.end();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code }));
  });
}

it.each(['TLSv1', 'TLSv1.1'] as const)('refuses %s with a protocol-version alert', async (version) => {
  const result = await handshake(version);
  expect(result.ok).toBe(false);
  // ERR_SSL_NO_PROTOCOLS_AVAILABLE would mean our own client refused: not what this test is about.
  if (!result.ok) expect(result.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
});

it.each(['TLSv1.2', 'TLSv1.3'] as const)('accepts %s', async (version) => {
  expect(await handshake(version)).toEqual({ ok: true, protocol: version });
});
