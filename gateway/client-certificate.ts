// Which terminal certificate (appendix 2: a city-issued client certificate on
// every terminal) a request to the gateway carries.
//
// Two ways in, never mixed:
// - Direct TLS: the gateway's HTTPS server asks for a certificate
//   (requestCert, rejectUnauthorized: false, so a terminal without one gets
//   a clear answer instead of a failed handshake) and OpenSSL verifies it
//   against our CA. We re-check it here as well, so the verdict also holds for
//   the CA this function is given and for a certificate that expires during a
//   long keep-alive connection.
// - Behind a reverse proxy that terminates TLS (nginx:
//   `proxy_set_header X-Client-Certificate $ssl_client_escaped_cert;`): the
//   header is believed only on a connection from a configured proxy address,
//   and even then it is verified against the CA (signature, validity,
//   clientAuth). From any other address the header is ignored entirely, since
//   anyone can send it.
//
// Revocation is NOT checked here: the identity subgraph keeps the list of
// issued and revoked terminal certificates and checks the fingerprint this
// returns. Callers must not forward the proxy header to subgraphs.
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { checkCertificate, CLIENT_AUTH_OID } from '../lib/pki/certificate-authority';
import { certificateFingerprint } from '../lib/pki/fingerprint';

export type ClientCertificateResult =
  | { ok: true; fingerprint: string; via: 'tls' | 'proxy' }
  | { ok: false; reason: 'missing' | 'untrusted' | 'expired' };

export interface ClientCertificateOptions {
  caCertificatePem: string;
  /** Addresses (or CIDR ranges) of reverse proxies whose certificate header is believed. */
  trustedProxies: string[];
  /** Header the proxy puts the URL-encoded PEM in, e.g. 'x-client-certificate'. */
  proxyHeader: string;
}

const missing: ClientCertificateResult = { ok: false, reason: 'missing' };

export function clientCertificateOf(
  req: IncomingMessage,
  options: ClientCertificateOptions,
  now = new Date(),
): ClientCertificateResult {
  const ca = parsedCa(options.caCertificatePem);
  if (matcherFor(options.trustedProxies)(req.socket.remoteAddress)) {
    // The proxy's own TLS session (if any) says nothing about the terminal.
    return fromProxyHeader(req.headers[options.proxyHeader.toLowerCase()], ca, now);
  }
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted === true && typeof socket.getPeerCertificate === 'function')
    return fromTls(socket as TLSSocket, ca, now);
  return missing;
}

function fromTls(socket: TLSSocket, ca: X509Certificate, now: Date): ClientCertificateResult {
  const raw = socket.getPeerCertificate()?.raw; // {} when the client sent none
  if (!raw || raw.length === 0) return missing;
  if (!socket.authorized) {
    // Node documents authorizationError as an Error, but it is OpenSSL's code string.
    const error: unknown = socket.authorizationError;
    const code = typeof error === 'string' ? error : (error as { code?: string } | undefined)?.code;
    return { ok: false, reason: code === 'CERT_HAS_EXPIRED' ? 'expired' : 'untrusted' };
  }
  return checked(new X509Certificate(raw), ca, now, 'tls');
}

function fromProxyHeader(
  value: string | string[] | undefined,
  ca: X509Certificate,
  now: Date,
): ClientCertificateResult {
  // nginx sends an empty value when the terminal presented no certificate.
  if (value === undefined || value === '') return missing;
  if (Array.isArray(value)) return { ok: false, reason: 'untrusted' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(decodeURIComponent(value));
  } catch {
    return { ok: false, reason: 'untrusted' };
  }
  return checked(cert, ca, now, 'proxy');
}

function checked(cert: X509Certificate, ca: X509Certificate, now: Date, via: 'tls' | 'proxy'): ClientCertificateResult {
  const verdict = checkCertificate(cert, ca, now, CLIENT_AUTH_OID);
  return verdict === 'ok'
    ? { ok: true, fingerprint: certificateFingerprint(cert.raw), via }
    : { ok: false, reason: verdict };
}

/**
 * Parses a trusted-proxy list ('127.0.0.1', '10.0.0.0/8', '::1'); throws on
 * an entry that is neither an address nor a CIDR range, so config parsing can
 * report it. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as IPv4.
 */
export function trustedProxyMatcher(entries: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const parts = entry.trim().split('/');
    const address = normalizeAddress(parts[0] ?? '');
    const family = isIP(address);
    const prefix = parts[1];
    const maxPrefix = family === 4 ? 32 : 128;
    if (
      family === 0 ||
      parts.length > 2 ||
      (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix))
    )
      throw new Error(`not an IP address or CIDR range: "${entry}"`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (!address) return false;
    const normalized = normalizeAddress(address);
    const family = isIP(normalized);
    return family !== 0 && list.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
  };
}

function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

// Parsing per request would be wasted work: options are built once at start.
const matchers = new WeakMap<readonly string[], (address: string | undefined) => boolean>();
function matcherFor(entries: readonly string[]): (address: string | undefined) => boolean {
  let matcher = matchers.get(entries);
  if (!matcher) matchers.set(entries, (matcher = trustedProxyMatcher(entries)));
  return matcher;
}

let cachedCa: { pem: string; cert: X509Certificate } | undefined;
function parsedCa(pem: string): X509Certificate {
  if (cachedCa?.pem !== pem) cachedCa = { pem, cert: new X509Certificate(pem) };
  return cachedCa.cert;
}
