import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCertificateAuthority, type CertificateAuthority } from './pki/certificate-authority';
import { networkCaCertificate, readServerCertificateFiles, serverTls } from './server-tls';
import { StartupError } from './startup-error';

let root: string;
let caDir: string;
let ca: CertificateAuthority;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-server-tls-'));
  caDir = path.join(root, 'ca');
  ca = await openCertificateAuthority(caDir);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function problemsOf(promise: Promise<unknown> | (() => unknown)): Promise<string[]> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof StartupError) return error.problems;
    throw error;
  }
  throw new Error('expected a StartupError');
}

/** A directory with only the given files; the CA's certificate copied alone, a server pair issued. */
function layout(files: { caCert?: boolean; server?: 'pair' | 'mismatched' }) {
  const dir = fs.mkdtempSync(path.join(root, 'layout-'));
  const caCertFile = path.join(dir, 'ca.crt');
  if (files.caCert) fs.writeFileSync(caCertFile, ca.caCertificatePem);
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  if (files.server) {
    const issued = ca.issueServerCertificate(['renkei.example.jp']);
    fs.writeFileSync(certFile, issued.certificatePem);
    fs.writeFileSync(
      keyFile,
      files.server === 'pair' ? issued.keyPem : ca.issueServerCertificate(['other.example.jp']).keyPem,
      { mode: 0o600 },
    );
  }
  return { dir, caCertFile, tlsFiles: { certFile, keyFile } };
}

describe('serverTls', () => {
  it('reads the certificate and key from files and the CA certificate alone: no CA key anywhere', async () => {
    const files = layout({ caCert: true, server: 'pair' });
    const tls = await serverTls({
      caDir: path.join(files.dir, 'no-ca-here'),
      caCertFile: files.caCertFile,
      tlsFiles: files.tlsFiles,
      tlsHostnames: ['ignored'],
    });
    expect(tls.certificatePem).toBe(fs.readFileSync(files.tlsFiles.certFile, 'utf8'));
    expect(tls.keyPem).toBe(fs.readFileSync(files.tlsFiles.keyFile, 'utf8'));
    expect(tls.caCertificatePem).toBe(ca.caCertificatePem);
    // Nothing was created where CA_DIR points: the CA was never opened.
    expect(fs.existsSync(path.join(files.dir, 'no-ca-here'))).toBe(false);
  });

  it('issues a certificate from the CA in CA_DIR when no files are given, as before', async () => {
    const tls = await serverTls({ caDir, caCertFile: undefined, tlsFiles: undefined, tlsHostnames: ['localhost'] });
    expect(ca.verifies(tls.certificatePem)).toBe(true);
    expect(tls.caCertificatePem).toBe(ca.caCertificatePem);
  });

  it('refuses a key that is not the certificate’s, a missing file and an expired certificate, naming the variable', async () => {
    const mismatched = layout({ caCert: true, server: 'mismatched' });
    expect(await problemsOf(() => readServerCertificateFiles(mismatched.tlsFiles))).toEqual([
      `TLS_KEY_FILE: ${mismatched.tlsFiles.keyFile} is not the key of ${mismatched.tlsFiles.certFile}`,
    ]);
    const missing = layout({ caCert: true });
    expect(await problemsOf(() => readServerCertificateFiles(missing.tlsFiles))).toEqual([
      `TLS_CERT_FILE: cannot read ${missing.tlsFiles.certFile} (ENOENT)`,
    ]);
    const pair = layout({ server: 'pair' });
    const later = new Date(Date.now() + 900 * 86_400_000);
    expect(await problemsOf(() => readServerCertificateFiles(pair.tlsFiles, later))).toEqual([
      expect.stringMatching(/^TLS_CERT_FILE: .* expired on .*; install a renewed certificate$/),
    ]);
  });
});

describe('networkCaCertificate', () => {
  it('reads CA_CERT_FILE alone, and refuses a file that is not a CA certificate', async () => {
    const files = layout({ caCert: true, server: 'pair' });
    expect(await networkCaCertificate({ caDir: '/nonexistent', caCertFile: files.caCertFile })).toBe(
      ca.caCertificatePem,
    );
    expect(
      await problemsOf(networkCaCertificate({ caDir: '/nonexistent', caCertFile: files.tlsFiles.certFile })),
    ).toEqual([`CA_CERT_FILE: ${files.tlsFiles.certFile} is not a self-signed CA certificate`]);
    expect(
      await problemsOf(networkCaCertificate({ caDir: '/nonexistent', caCertFile: files.tlsFiles.keyFile })),
    ).toEqual([`CA_CERT_FILE: ${files.tlsFiles.keyFile} is not a PEM certificate`]);
  });

  it('opens the CA in CA_DIR without CA_CERT_FILE', async () => {
    expect(await networkCaCertificate({ caDir, caCertFile: undefined })).toBe(ca.caCertificatePem);
  });
});
