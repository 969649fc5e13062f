// Real TLS handshakes on loopback: the gateway's HTTPS server with a server
// certificate from our CA, terminals presenting (or not) a .p12 from it, and
// the reverse-proxy path over plain HTTP.
import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { clientCertificateOf, type ClientCertificateOptions } from '../../gateway/client-certificate';
import { listen, type RunningServer } from '../../lib/http-server';
import { listenHttps } from '../../lib/https-server';
import {
  openCertificateAuthority,
  type CertificateAuthority,
  type IssuedClientCertificate,
} from '../../lib/pki/certificate-authority';
import { StartupError } from '../../lib/startup-error';

const DAY = 86_400_000;
const passphrase = 'terminal-passphrase';
let root: string;
let ca: CertificateAuthority;
let terminal: IssuedClientCertificate;
let foreign: IssuedClientCertificate;
let expired: IssuedClientCertificate;
let serverTls: { keyPem: string; certificatePem: string; caCertificatePem: string };
const servers: RunningServer[] = [];

/** A gateway stand-in that answers with what it decided about the request's certificate. */
function echoHandler(options: ClientCertificateOptions): http.RequestListener {
  return (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(clientCertificateOf(req, options)));
  };
}

async function start(server: Promise<RunningServer>): Promise<RunningServer> {
  const running = await server;
  servers.push(running);
  return running;
}

function getJson(
  url: string,
  options: https.RequestOptions = {},
  headers: Record<string, string> = {},
): Promise<unknown> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    // agent: false, so no TLS session is resumed from an earlier case with another certificate.
    const req = client.request(url, { ...options, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'renkei-tls-'));
  ca = await openCertificateAuthority(path.join(root, 'ca'));
  terminal = ca.issueClientCertificate({ commonName: '高岡市民病院 端末01', passphrase });
  foreign = (await openCertificateAuthority(path.join(root, 'other'))).issueClientCertificate({
    commonName: 'foreign',
    passphrase,
  });
  const past = await openCertificateAuthority(path.join(root, 'ca'), { now: () => new Date(Date.now() - 40 * DAY) });
  expired = past.issueClientCertificate({ commonName: 'expired', passphrase, validDays: 30 });
  serverTls = { ...ca.issueServerCertificate(['localhost', '127.0.0.1']), caCertificatePem: ca.caCertificatePem };
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await fs.rm(root, { recursive: true, force: true });
});

describe('direct TLS to listenHttps', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    const options = { caCertificatePem: ca.caCertificatePem, trustedProxies: [], proxyHeader: 'x-client-certificate' };
    gateway = await start(listenHttps(echoHandler(options), '127.0.0.1', 0, 'test gateway', serverTls));
  });
  const trustOurCa = () => ({ ca: ca.caCertificatePem });

  it('serves https on the given host', () => {
    expect(gateway.url).toBe(`https://127.0.0.1:${gateway.port}`);
  });

  it('(a) accepts the terminal certificate from the issued PKCS#12', async () => {
    const result = await getJson(gateway.url, { ...trustOurCa(), pfx: terminal.pkcs12, passphrase });
    expect(result).toEqual({ ok: true, fingerprint: terminal.fingerprint, via: 'tls' });
  });

  it('(a) also by hostname, checked against the server certificate’s DNS name', async () => {
    const result = await getJson(`https://localhost:${gateway.port}`, {
      ...trustOurCa(),
      pfx: terminal.pkcs12,
      passphrase,
      family: 4,
    });
    expect(result).toMatchObject({ ok: true, via: 'tls' });
  });

  it('(b) lets a terminal without a certificate finish the handshake and answers missing', async () => {
    expect(await getJson(gateway.url, trustOurCa())).toEqual({ ok: false, reason: 'missing' });
  });

  it('(c) answers untrusted for a certificate from a different CA', async () => {
    expect(await getJson(gateway.url, { ...trustOurCa(), pfx: foreign.pkcs12, passphrase })).toEqual({
      ok: false,
      reason: 'untrusted',
    });
  });

  it('answers expired for an expired terminal certificate', async () => {
    expect(await getJson(gateway.url, { ...trustOurCa(), pfx: expired.pkcs12, passphrase })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  // (With the .p12 loaded, Node trusts the CA certificate packed in it, as Windows does after import.)
  it('is not trusted by a client that does not know our CA', async () => {
    await expect(getJson(gateway.url)).rejects.toThrow(/self[- ]signed|unable to verify/i);
  });

  it('turns a port in use into a StartupError', async () => {
    const error = await listenHttps(() => undefined, '127.0.0.1', gateway.port, 'second gateway', serverTls).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).problems).toEqual([
      `PORT: second gateway cannot listen on 127.0.0.1:${gateway.port}, the port is already in use`,
    ]);
  });

  it('turns a key that does not match its certificate into a StartupError', async () => {
    const mismatched = { ...serverTls, keyPem: terminal.keyPem };
    await expect(listenHttps(() => undefined, '127.0.0.1', 0, 'bad gateway', mismatched)).rejects.toThrow(
      /TLS: bad gateway cannot use its key and certificate/,
    );
  });
});

describe('behind a TLS-terminating reverse proxy (plain HTTP to the gateway)', () => {
  const header = () => ({ 'x-client-certificate': encodeURIComponent(terminal.certificatePem) });

  it('(d) believes the header from a configured proxy address', async () => {
    const options = {
      caCertificatePem: ca.caCertificatePem,
      trustedProxies: ['127.0.0.1'],
      proxyHeader: 'x-client-certificate',
    };
    const gateway = await start(listen(echoHandler(options), '127.0.0.1', 0, 'proxied gateway'));
    expect(await getJson(gateway.url, {}, header())).toEqual({
      ok: true,
      fingerprint: terminal.fingerprint,
      via: 'proxy',
    });
    expect(
      await getJson(gateway.url, {}, { 'x-client-certificate': encodeURIComponent(foreign.certificatePem) }),
    ).toEqual({ ok: false, reason: 'untrusted' });
  });

  it('(e) ignores the same header from an address that is not a configured proxy', async () => {
    const options = {
      caCertificatePem: ca.caCertificatePem,
      trustedProxies: ['10.20.30.40'],
      proxyHeader: 'x-client-certificate',
    };
    const gateway = await start(listen(echoHandler(options), '127.0.0.1', 0, 'exposed gateway'));
    expect(await getJson(gateway.url, {}, header())).toEqual({ ok: false, reason: 'missing' });
  });
});
