import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import forge from 'node-forge';
import { StartupError } from '../startup-error';
import {
  certificateInstallInstructions,
  terminalCertificateFileName,
  openCertificateAuthority,
  renewCaCertificate,
  type CertificateAuthority,
} from './certificate-authority';
import { certificateFingerprint, fingerprintOfPem } from './fingerprint';

const DAY = 86_400_000;
let root: string;
let caDir: string;
let ca: CertificateAuthority;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'renkei-ca-'));
  caDir = path.join(root, 'ca');
  ca = await openCertificateAuthority(caDir);
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

/** A fresh directory holding a copy of (part of) the test CA. */
async function copyOfCa(files: Array<'ca.key' | 'ca.crt'>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(root, 'copy-'));
  for (const file of files) await fs.copyFile(path.join(caDir, file), path.join(dir, file));
  return dir;
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('openCertificateAuthority', () => {
  it('creates a self-signed CA on first use, key 0600 in a 0700 directory', async () => {
    const cert = new X509Certificate(ca.caCertificatePem);
    expect(cert.subject).toBe('CN=Renkei network CA');
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const keyUsage = forge.pki.certificateFromPem(ca.caCertificatePem).getExtension('keyUsage') as Record<
      string,
      unknown
    >;
    expect(keyUsage).toMatchObject({ keyCertSign: true, cRLSign: true, critical: true });
    const years = (Date.parse(cert.validTo) - Date.now()) / (365 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    if (process.platform !== 'win32') {
      expect((await fs.stat(path.join(caDir, 'ca.key'))).mode & 0o777).toBe(0o600);
      expect((await fs.stat(caDir)).mode & 0o777).toBe(0o700);
    }
  });

  it('loads the same CA on later calls and never regenerates it', async () => {
    const keyBefore = await fs.readFile(path.join(caDir, 'ca.key'), 'utf8');
    const again = await openCertificateAuthority(caDir);
    expect(again.caCertificatePem).toBe(ca.caCertificatePem);
    expect(await fs.readFile(path.join(caDir, 'ca.key'), 'utf8')).toBe(keyBefore);
    const issued = again.issueClientCertificate({ commonName: 'reload', passphrase: 'passphrase-1' });
    expect(ca.verifies(issued.certificatePem)).toBe(true);
  });

  it.each([['ca.key'], ['ca.crt']] as const)(
    'refuses a directory holding only %s, and leaves it as it was',
    async (only) => {
      const dir = await copyOfCa([only]);
      const error = await openCertificateAuthority(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as StartupError).message).toMatch(/exists but .* does not/);
      expect(await fs.readdir(dir)).toEqual([only]);
    },
  );

  it('refuses a key that does not belong to the certificate', async () => {
    const other = path.join(root, 'other-for-mismatch');
    await openCertificateAuthority(other);
    const dir = await copyOfCa(['ca.crt']);
    await fs.copyFile(path.join(other, 'ca.key'), path.join(dir, 'ca.key'));
    await expect(openCertificateAuthority(dir)).rejects.toThrow(/ca\.key does not belong to/);
  });

  it('refuses a CA key that other users can read', async () => {
    if (process.platform === 'win32') return;
    const dir = await copyOfCa(['ca.key', 'ca.crt']);
    await fs.chmod(path.join(dir, 'ca.key'), 0o644);
    await expect(openCertificateAuthority(dir)).rejects.toThrow(/readable by other users .*chmod 600/);
  });
});

describe('issueClientCertificate', () => {
  const passphrase = 'correct horse battery';
  let issued: ReturnType<CertificateAuthority['issueClientCertificate']>;
  beforeAll(() => {
    issued = ca.issueClientCertificate({ commonName: '高岡 花子', organization: '厚生連高岡病院', passphrase });
  });

  it('issues a clientAuth terminal certificate that this CA verifies', () => {
    const cert = new X509Certificate(issued.certificatePem);
    expect(cert.subject).toBe('CN=高岡 花子\nO=厚生連高岡病院');
    expect(cert.issuer).toBe('CN=Renkei network CA');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.ca).toBe(false);
    expect(issued.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(issued.serialNumber).toBe(cert.serialNumber.toLowerCase());
    expect(issued.fingerprint).toBe(createHash('sha256').update(cert.raw).digest('hex'));
    expect(issued.fingerprint).toBe(fingerprintOfPem(issued.certificatePem));
    expect(certificateFingerprint(cert.raw)).toBe(issued.fingerprint);
    expect(issued.notAfter.getTime()).toBe(Date.parse(cert.validTo));
    expect(Math.round((issued.notAfter.getTime() - Date.now()) / DAY)).toBe(825);
    expect(ca.verifies(issued.certificatePem)).toBe(true);
  });

  it('draws a different serial and key every time', () => {
    const second = ca.issueClientCertificate({ commonName: '高岡 花子', passphrase });
    expect(second.serialNumber).not.toBe(issued.serialNumber);
    expect(second.keyPem).not.toBe(issued.keyPem);
  });

  it('packs a PKCS#12 that Node/OpenSSL 3 import with the passphrase, and only with it', () => {
    expect(() => tls.createSecureContext({ pfx: issued.pkcs12, passphrase })).not.toThrow();
    expect(() => tls.createSecureContext({ pfx: issued.pkcs12, passphrase: 'wrong passphrase' })).toThrow();
  });

  it('packs a PKCS#12 that the openssl command reads (when openssl is installed)', async () => {
    if (!hasOpenssl()) return;
    const file = path.join(root, 'terminal.p12');
    await fs.writeFile(file, issued.pkcs12);
    const run = spawnSync('openssl', ['pkcs12', '-info', '-nokeys', '-in', file, '-passin', `pass:${passphrase}`], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('pbeWithSHA1And3-KeyTripleDES-CBC'); // -info details go to stderr
    expect(run.stdout).toContain('issuer=CN = Renkei network CA');
  });

  it('rejects weak or non-ASCII passphrases and bad names or validity', () => {
    expect(() => ca.issueClientCertificate({ commonName: 'x', passphrase: 'short' })).toThrow(/passphrase/);
    expect(() => ca.issueClientCertificate({ commonName: 'x', passphrase: 'パスフレーズです長い' })).toThrow(/ASCII/);
    expect(() => ca.issueClientCertificate({ commonName: ' ', passphrase })).toThrow(/CN must be/);
    expect(() => ca.issueClientCertificate({ commonName: 'x', passphrase, validDays: 0 })).toThrow(/validDays/);
  });

  it('never lets a terminal certificate outlive the CA', () => {
    const long = ca.issueClientCertificate({ commonName: 'long', passphrase, validDays: 5000 });
    expect(long.notAfter.getTime()).toBe(Date.parse(new X509Certificate(ca.caCertificatePem).validTo));
  });
});

describe('verifies', () => {
  it('rejects a certificate signed by another CA', async () => {
    const other = await openCertificateAuthority(path.join(root, 'other-ca'));
    const foreign = other.issueClientCertificate({ commonName: 'foreign', passphrase: 'passphrase-1' });
    expect(other.verifies(foreign.certificatePem)).toBe(true);
    expect(ca.verifies(foreign.certificatePem)).toBe(false);
    expect(ca.verifies(other.caCertificatePem)).toBe(false);
  });

  it('rejects a certificate outside its validity period', async () => {
    const issued = ca.issueClientCertificate({ commonName: 'dated', passphrase: 'passphrase-1', validDays: 30 });
    expect(ca.verifies(issued.certificatePem, new Date(issued.notAfter.getTime() + 1000))).toBe(false);
    expect(ca.verifies(issued.certificatePem, new Date(Date.now() - 2 * 60 * 60 * 1000))).toBe(false);
    // Issued in the past through the clock: really expired today.
    const past = await openCertificateAuthority(caDir, { now: () => new Date(Date.now() - 40 * DAY) });
    const expired = past.issueClientCertificate({ commonName: 'expired', passphrase: 'passphrase-1', validDays: 30 });
    expect(expired.notAfter.getTime()).toBeLessThan(Date.now());
    expect(ca.verifies(expired.certificatePem)).toBe(false);
  });

  it('answers false for text that is not a certificate', () => {
    expect(ca.verifies('not a certificate')).toBe(false);
  });
});

describe('issueServerCertificate', () => {
  it('issues a serverAuth certificate with DNS and IP subject alternative names', () => {
    const { certificatePem, keyPem } = ca.issueServerCertificate(['localhost', '127.0.0.1', '::1']);
    const cert = new X509Certificate(certificatePem);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(ca.verifies(certificatePem)).toBe(true);
    expect(() => tls.createSecureContext({ key: keyPem, cert: certificatePem })).not.toThrow();
    expect(() => ca.issueServerCertificate([])).toThrow(/at least one/);
  });
});

describe('certificateInstallInstructions', () => {
  it('gives Japanese and English steps with the fingerprints but no secret', () => {
    const issued = ca.issueClientCertificate({ commonName: '高岡 太郎', passphrase: 'secret-passphrase' });
    const fileName = terminalCertificateFileName(issued.serialNumber);
    const text = certificateInstallInstructions({
      ...issued,
      fileName,
      commonName: '高岡 太郎',
      caCertificatePem: ca.caCertificatePem,
    });
    // Every platform's steps name the file the download route hands over.
    expect(fileName).toMatch(/^renkei-terminal-[0-9a-f]{12}\.p12$/);
    expect(text.split(fileName).length - 1).toBe(2);
    expect(text).toContain('高岡 太郎');
    expect(text).toContain(issued.fingerprint);
    expect(text).toContain(issued.notAfter.toISOString().slice(0, 10));
    expect(text).toContain(new X509Certificate(ca.caCertificatePem).fingerprint.replace(/:/g, ''));
    expect(text).toMatch(/インストール/);
    expect(text).toMatch(/Windows/);
    expect(text).toMatch(/macOS/);
    expect(text).not.toContain('secret-passphrase');
    expect(text).not.toContain('PRIVATE KEY');
  });
});

describe('renewCaCertificate', () => {
  it('renews the CA with the same key: earlier terminal certificates still verify, new ones get their full validity', async () => {
    const dir = await fs.mkdtemp(path.join(root, 'renew-'));
    const now = Date.now();
    // A CA made 3640 days ago: 10 days left. A terminal issued from it now ends with it.
    const old = await openCertificateAuthority(dir, { now: () => new Date(now - 3640 * DAY) });
    const oldCa = new X509Certificate(old.caCertificatePem);
    const current = await openCertificateAuthority(dir);
    const terminal = current.issueClientCertificate({ commonName: 'reception', passphrase: 'passphrase-1' });
    expect(terminal.notAfter.getTime()).toBeLessThanOrEqual(Date.parse(oldCa.validTo));

    const renewed = await renewCaCertificate(dir, new Date(now));
    const renewedPem = await fs.readFile(path.join(dir, 'ca.crt'), 'utf8');
    const renewedCa = new X509Certificate(renewedPem);
    expect(await fs.readFile(renewed.previousFile, 'utf8')).toBe(old.caCertificatePem);
    expect(renewed.fingerprint).toBe(fingerprintOfPem(renewedPem));
    expect(renewedCa.subject).toBe(oldCa.subject);
    expect(renewedCa.publicKey.equals(oldCa.publicKey)).toBe(true);
    expect(Date.parse(renewedCa.validTo)).toBeGreaterThan(now + 3640 * DAY);

    const reopened = await openCertificateAuthority(dir);
    expect(reopened.caCertificatePem).toBe(renewedPem);
    expect(reopened.verifies(terminal.certificatePem)).toBe(true);
    const fresh = reopened.issueClientCertificate({ commonName: 'reception', passphrase: 'passphrase-1' });
    expect(fresh.notAfter.getTime()).toBeGreaterThan(now + 800 * DAY);
    // Over TLS: test/integration/ca-renewal.test.ts.
  });

  it('refuses without the CA key', async () => {
    const dir = await copyOfCa(['ca.crt']);
    await expect(renewCaCertificate(dir)).rejects.toBeInstanceOf(StartupError);
  });
});
