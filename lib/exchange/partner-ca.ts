// A partner's certificate authority, as the system admin pastes it into the
// partner registry (PEM, one or more certificates). We trust it for calls to
// that partner only (its server certificate; a client certificate it issues
// to us), never for anyone else, so checking it at entry is the only chance
// to catch a wrong paste before a job fails at 3 a.m.:
// - every PEM block must be a CERTIFICATE that parses as X.509 and is a CA
//   (basicConstraints cA), within its validity period now;
// - any private key material is refused outright (an admin who pastes a key
//   here has leaked it once already; we must not store it a second time);
// - at most 5 certificates (a root and intermediates, or a rollover pair).
// Pure: the clock is a parameter, errors are values, so it is unit-tested.
import { X509Certificate } from 'node:crypto';
import { certificateFingerprint } from '../pki/fingerprint';

export const maxPartnerCaCertificates = 5;
export const maxPartnerCaPemLength = 60_000;

export interface CertificateSummary {
  pem: string;
  subject: string;
  issuer: string;
  /** SHA-256 of the DER, lowercase hex (lib/pki/fingerprint.ts). */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

export type ParsedCaBundle = { ok: true; certificates: CertificateSummary[] } | { ok: false; problem: string };

const blockPattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function summarize(cert: X509Certificate): CertificateSummary {
  return {
    pem: cert.toString(),
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    fingerprint: certificateFingerprint(cert.raw),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

/** Checks a pasted PEM bundle of CA certificates; the problem is a sentence to show after the field name. */
export function parseCaBundle(text: string, now: Date): ParsedCaBundle {
  if (text.length > maxPartnerCaPemLength)
    return { ok: false, problem: `must be at most ${maxPartnerCaPemLength} characters` };
  if (/PRIVATE KEY/.test(text))
    return {
      ok: false,
      problem: 'contains private key material: give the CA certificate(s) only, and treat that key as disclosed',
    };
  const blocks = [...text.matchAll(blockPattern)];
  if (blocks.length === 0) return { ok: false, problem: 'must be PEM CA certificate(s) (-----BEGIN CERTIFICATE-----)' };
  if (blocks.length > maxPartnerCaCertificates)
    return { ok: false, problem: `must hold at most ${maxPartnerCaCertificates} certificates` };
  const certificates: CertificateSummary[] = [];
  for (const [index, block] of blocks.entries()) {
    const where = blocks.length > 1 ? `certificate ${index + 1}` : 'the certificate';
    if (block[1] !== 'CERTIFICATE') return { ok: false, problem: `${where} is a ${block[1]}, not a CERTIFICATE` };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block[0]);
    } catch {
      return { ok: false, problem: `${where} does not parse as an X.509 certificate` };
    }
    if (!cert.ca)
      return {
        ok: false,
        problem: `${where} (${cert.subject.replace(/\n/g, ', ')}) is not a CA certificate (basicConstraints cA)`,
      };
    if (Date.parse(cert.validTo) <= now.getTime())
      return { ok: false, problem: `${where} expired on ${new Date(cert.validTo).toISOString()}` };
    if (Date.parse(cert.validFrom) > now.getTime())
      return { ok: false, problem: `${where} is not valid before ${new Date(cert.validFrom).toISOString()}` };
    const summary = summarize(cert);
    if (!certificates.some((c) => c.fingerprint === summary.fingerprint)) certificates.push(summary);
  }
  return { ok: true, certificates };
}
