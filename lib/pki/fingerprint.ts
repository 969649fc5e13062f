// A certificate's identity everywhere in Renkei (terminal registry,
// revocation list, audit) is the SHA-256 of its DER encoding, as lowercase
// hex without separators: the same value `openssl x509 -fingerprint -sha256`
// prints once its colons are removed and it is lowercased. Serial numbers are
// not used as identity because they are only unique per issuer.
import { createHash, X509Certificate } from 'node:crypto';

export function certificateFingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Throws when pem is not a parseable X.509 certificate. */
export function fingerprintOfPem(pem: string): string {
  return certificateFingerprint(new X509Certificate(pem).raw);
}
