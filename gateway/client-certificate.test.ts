import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openCertificateAuthority, type CertificateAuthority } from '../lib/pki/certificate-authority';
import { clientCertificateOf, trustedProxyMatcher, type ClientCertificateOptions } from './client-certificate';

const DAY = 86_400_000;
let root: string;
let ca: CertificateAuthority;
let terminal: { certificatePem: string; fingerprint: string; notAfter: Date };
let foreignPem: string;
let expiredPem: string;
let serverPem: string;
let options: ClientCertificateOptions;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'renkei-client-cert-'));
  ca = await openCertificateAuthority(path.join(root, 'ca'));
  terminal = ca.issueClientCertificate({ commonName: 'terminal', passphrase: 'passphrase-1' });
  const other = await openCertificateAuthority(path.join(root, 'other'));
  foreignPem = other.issueClientCertificate({ commonName: 'foreign', passphrase: 'passphrase-1' }).certificatePem;
  const past = await openCertificateAuthority(path.join(root, 'ca'), { now: () => new Date(Date.now() - 40 * DAY) });
  expiredPem = past.issueClientCertificate({
    commonName: 'expired',
    passphrase: 'passphrase-1',
    validDays: 30,
  }).certificatePem;
  serverPem = ca.issueServerCertificate(['localhost']).certificatePem;
  options = {
    caCertificatePem: ca.caCertificatePem,
    trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
    proxyHeader: 'X-Client-Certificate',
  };
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

/** What a request looks like to the gateway: only the socket and headers matter here. */
function request(remoteAddress: string, headers: Record<string, string> = {}, tls?: object): IncomingMessage {
  return { socket: { remoteAddress, ...tls }, headers } as unknown as IncomingMessage;
}
const viaProxy = (pem: string, from = '127.0.0.1') =>
  request(from, { 'x-client-certificate': encodeURIComponent(pem) });
function tlsSocket(pem: string | null, authorized: boolean, authorizationError?: string) {
  const raw = pem === null ? undefined : new X509Certificate(pem).raw;
  return { encrypted: true, authorized, authorizationError, getPeerCertificate: () => (raw ? { raw } : {}) };
}

describe('clientCertificateOf behind a reverse proxy', () => {
  it('accepts a certificate of our CA sent by a trusted proxy', () => {
    expect(clientCertificateOf(viaProxy(terminal.certificatePem), options)).toEqual({
      ok: true,
      fingerprint: terminal.fingerprint,
      via: 'proxy',
    });
    expect(clientCertificateOf(viaProxy(terminal.certificatePem, '::ffff:127.0.0.1'), options)).toMatchObject({
      ok: true,
    });
    expect(clientCertificateOf(viaProxy(terminal.certificatePem, '10.1.2.3'), options)).toMatchObject({ ok: true });
  });

  it('reads nginx $ssl_client_escaped_cert, which leaves + / = unescaped', () => {
    const nginxStyle = terminal.certificatePem.replace(/\n/g, '%0A').replace(/ /g, '%20');
    expect(clientCertificateOf(request('127.0.0.1', { 'x-client-certificate': nginxStyle }), options)).toMatchObject({
      ok: true,
    });
  });

  it('ignores the header entirely when the sender is not a trusted proxy', () => {
    for (const from of ['192.168.1.20', '::1', '11.0.0.1', '::ffff:192.168.1.20'])
      expect(clientCertificateOf(viaProxy(terminal.certificatePem, from), options)).toEqual({
        ok: false,
        reason: 'missing',
      });
    expect(clientCertificateOf(viaProxy(terminal.certificatePem), { ...options, trustedProxies: [] })).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it('answers missing when the proxy sends no certificate', () => {
    expect(clientCertificateOf(request('127.0.0.1'), options)).toEqual({ ok: false, reason: 'missing' });
    expect(clientCertificateOf(request('127.0.0.1', { 'x-client-certificate': '' }), options)).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it('answers untrusted for garbage, another CA, a server certificate, or the CA itself', () => {
    const untrusted = { ok: false, reason: 'untrusted' };
    expect(clientCertificateOf(request('127.0.0.1', { 'x-client-certificate': '%E0%A4%A' }), options)).toEqual(
      untrusted,
    );
    expect(clientCertificateOf(request('127.0.0.1', { 'x-client-certificate': 'hello' }), options)).toEqual(untrusted);
    expect(clientCertificateOf(viaProxy(foreignPem), options)).toEqual(untrusted);
    expect(clientCertificateOf(viaProxy(serverPem), options)).toEqual(untrusted);
    expect(clientCertificateOf(viaProxy(ca.caCertificatePem), options)).toEqual(untrusted);
  });

  it('answers expired for an expired certificate, also one that expires while in use', () => {
    expect(clientCertificateOf(viaProxy(expiredPem), options)).toEqual({ ok: false, reason: 'expired' });
    const later = new Date(terminal.notAfter.getTime() + 1000);
    expect(clientCertificateOf(viaProxy(terminal.certificatePem), options, later)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });
});

describe('clientCertificateOf on a direct TLS connection', () => {
  it('accepts a certificate OpenSSL authorized and that our CA signed', () => {
    const req = request('192.168.1.20', {}, tlsSocket(terminal.certificatePem, true));
    expect(clientCertificateOf(req, options)).toEqual({ ok: true, fingerprint: terminal.fingerprint, via: 'tls' });
  });

  it('maps OpenSSL refusals and a missing certificate', () => {
    expect(
      clientCertificateOf(request('192.168.1.20', {}, tlsSocket(null, false, 'UNABLE_TO_GET_ISSUER_CERT')), options),
    ).toEqual({ ok: false, reason: 'missing' });
    expect(
      clientCertificateOf(request('192.168.1.20', {}, tlsSocket(expiredPem, false, 'CERT_HAS_EXPIRED')), options),
    ).toEqual({ ok: false, reason: 'expired' });
    expect(
      clientCertificateOf(
        request('192.168.1.20', {}, tlsSocket(foreignPem, false, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')),
        options,
      ),
    ).toEqual({ ok: false, reason: 'untrusted' });
  });

  it('does not take OpenSSL’s word for a certificate of a different CA than the one given', () => {
    const req = request('192.168.1.20', {}, tlsSocket(foreignPem, true));
    expect(clientCertificateOf(req, options)).toEqual({ ok: false, reason: 'untrusted' });
  });

  it('ignores a forged header on a direct TLS connection that sent no certificate', () => {
    const req = request(
      '192.168.1.20',
      { 'x-client-certificate': encodeURIComponent(terminal.certificatePem) },
      tlsSocket(null, false),
    );
    expect(clientCertificateOf(req, options)).toEqual({ ok: false, reason: 'missing' });
  });

  it('uses only the header on a connection from a trusted proxy, not the proxy’s own certificate', () => {
    const req = request('127.0.0.1', {}, tlsSocket(terminal.certificatePem, true));
    expect(clientCertificateOf(req, options)).toEqual({ ok: false, reason: 'missing' });
  });

  it('answers missing on plain HTTP from anyone else', () => {
    expect(clientCertificateOf(request('192.168.1.20'), options)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('trustedProxyMatcher', () => {
  it('matches addresses and CIDR ranges, IPv4-mapped addresses as IPv4', () => {
    const trusted = trustedProxyMatcher(['127.0.0.1', '::1', '172.16.0.0/12', '::ffff:10.0.0.5']);
    expect(['127.0.0.1', '::ffff:127.0.0.1', '::1', '172.20.1.1', '10.0.0.5'].map(trusted)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['127.0.0.2', '172.32.0.1', undefined, '', 'localhost'].map(trusted)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('throws a clear error for entries that are not addresses', () => {
    expect(() => trustedProxyMatcher(['localhost'])).toThrow('not an IP address or CIDR range: "localhost"');
    expect(() => trustedProxyMatcher(['10.0.0.0/33'])).toThrow(/CIDR/);
    expect(() => trustedProxyMatcher(['10.0.0.0/8/1'])).toThrow(/CIDR/);
  });
});
