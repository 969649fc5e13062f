// Where an HTTPS server (the gateway, the worker's partner endpoint) gets its
// certificate, and the network CA whose terminal certificates it asks for.
//
// - TLS_CERT_FILE and TLS_KEY_FILE set: the certificate and key are read from
//   those files (a certificate from a public CA, or one init-secrets issued
//   once), so the process needs no CA private key at all.
// - Unset: a certificate for TLS_HOSTNAMES is issued from the CA in CA_DIR at
//   every start, as `npm start` and a single machine without files do.
// The CA's certificate comes from CA_CERT_FILE when set (read-only, no key:
// readCaCertificate), else from the CA in CA_DIR.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import type { Config } from './config';
import type { HttpsServerTls } from './https-server';
import { openCertificateAuthority, readCaCertificate } from './pki/certificate-authority';
import { StartupError } from './startup-error';

type CaSettings = Pick<Config, 'caDir' | 'caCertFile'>;
type TlsSettings = CaSettings & Pick<Config, 'tlsFiles' | 'tlsHostnames'>;

/** The network CA's certificate (PEM): CA_CERT_FILE alone when set, else the CA in CA_DIR. */
export async function networkCaCertificate(config: CaSettings): Promise<string> {
  if (config.caCertFile) return readCaCertificate(config.caCertFile);
  return (await openCertificateAuthority(config.caDir)).caCertificatePem;
}

/** The key, certificate and client-certificate CA for listenHttps. */
export async function serverTls(config: TlsSettings, now: Date = new Date()): Promise<HttpsServerTls> {
  if (!config.tlsFiles) {
    const ca = await openCertificateAuthority(config.caDir);
    return { ...ca.issueServerCertificate(config.tlsHostnames), caCertificatePem: ca.caCertificatePem };
  }
  const { certificatePem, keyPem } = readServerCertificateFiles(config.tlsFiles, now);
  return { certificatePem, keyPem, caCertificatePem: await networkCaCertificate(config) };
}

/** Reads and checks the pair: a certificate that is valid now, and the key that belongs to it. */
export function readServerCertificateFiles(
  files: { certFile: string; keyFile: string },
  now: Date = new Date(),
): { certificatePem: string; keyPem: string } {
  const read = (file: string, variable: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new StartupError([
        `${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      ]);
    }
  };
  const certificatePem = read(files.certFile, 'TLS_CERT_FILE');
  const keyPem = read(files.keyFile, 'TLS_KEY_FILE');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new StartupError([`TLS_CERT_FILE: ${files.certFile} is not a PEM certificate`]);
  }
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw new StartupError([`TLS_KEY_FILE: ${files.keyFile} is not an unencrypted PEM private key`]);
  }
  if (!matches) throw new StartupError([`TLS_KEY_FILE: ${files.keyFile} is not the key of ${files.certFile}`]);
  if (now.getTime() > Date.parse(certificate.validTo))
    throw new StartupError([
      `TLS_CERT_FILE: ${files.certFile} expired on ${new Date(certificate.validTo).toISOString()}; install a renewed certificate`,
    ]);
  return { certificatePem, keyPem };
}
