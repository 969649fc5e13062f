// The network's own certificate authority. Appendix 2 of the regulations
// requires a city-issued client certificate on every terminal, so the city
// (SYSTEM_ADMIN / ADMIN_MANAGER) issues them from this CA.
//
// Design decisions:
// - The CA lives in two files in one directory (ca.key 0600, ca.crt), never in
//   the database: a database dump or replica must not be enough to mint
//   terminal certificates. The directory is the thing to back up.
// - An existing CA is never regenerated. Regenerating would silently
//   invalidate every installed terminal certificate, so a half-present or
//   mismatched pair is a StartupError for the operator to resolve.
// - Keys come from Node's crypto (OpenSSL, much faster than forge's JS);
//   node-forge only builds and signs certificates and PKCS#12 files. PKCS#12
//   uses PBE-SHA1-3DES: OpenSSL 3 (so Node), Windows and macOS all import it
//   without a legacy provider, while forge's AES default (PBES2) is not
//   readable by older Windows versions.
// - Identity of an issued certificate is its SHA-256 fingerprint
//   (./fingerprint.ts); revocation is tracked by the identity subgraph.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import forge from 'node-forge';
import { StartupError } from '../startup-error';
import { fingerprintOfPem } from './fingerprint';

const CA_COMMON_NAME = 'Renkei network CA';
const CA_VALID_DAYS = 3650;
/** Apple's limit for TLS server certificates under a private root; terminals get the same so one rule covers both. */
const DEFAULT_VALID_DAYS = 825;
/** Backdating notBefore tolerates clocks that run a little behind on other hosts. */
const BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

export interface IssuedClientCertificate {
  /** PKCS#12 (.p12) holding the key, the certificate and the CA certificate, encrypted with the passphrase. */
  pkcs12: Buffer;
  certificatePem: string;
  keyPem: string;
  fingerprint: string;
  /** Lowercase hex, as X509Certificate#serialNumber prints it (lowercased). */
  serialNumber: string;
  notAfter: Date;
}

export interface CertificateAuthority {
  caCertificatePem: string;
  /** A terminal (client) certificate: extendedKeyUsage clientAuth, random 128-bit serial, validity validDays (default 825). */
  issueClientCertificate(input: {
    commonName: string;
    organization?: string;
    validDays?: number;
    passphrase: string;
  }): IssuedClientCertificate;
  /** A TLS server certificate for the gateway: serverAuth, SAN for each hostname (DNS) or IP. */
  issueServerCertificate(hostnames: string[], validDays?: number): { certificatePem: string; keyPem: string };
  /** True when pem was signed by this CA and is within its validity period at `now`. */
  verifies(certificatePem: string, now?: Date): boolean;
}

export interface CertificateAuthorityOptions {
  /** The clock; tests pass a fixed one to issue certificates that are already expired. */
  now?: () => Date;
}

export async function openCertificateAuthority(
  dir: string,
  options: CertificateAuthorityOptions = {},
): Promise<CertificateAuthority> {
  const now = options.now ?? (() => new Date());
  const keyPath = path.join(dir, 'ca.key');
  const certPath = path.join(dir, 'ca.crt');
  let keyPem = await readIfPresent(keyPath);
  let certPem = await readIfPresent(certPath);
  if (keyPem === null && certPem === null) {
    ({ keyPem, certPem } = await createCa(dir, keyPath, certPath, now()));
  } else if (keyPem === null || certPem === null) {
    const [present, missing] = keyPem === null ? [certPath, keyPath] : [keyPath, certPath];
    throw new StartupError([
      `CA_DIR: ${present} exists but ${missing} does not. Restore the missing file from backup; ` +
        'only if the CA is lost, move both away to create a new one (every terminal certificate must then be reissued)',
    ]);
  } else {
    await checkKeyFileMode(keyPath);
  }
  return authorityFrom(keyPem, certPem, dir, now);
}

/**
 * CA renewal (README, Operations): a new certificate for the same key and
 * name, valid for CA_VALID_DAYS from `at`. Everything the CA issued keeps
 * verifying (same issuer name, same key, same key identifier), so renewing
 * re-issues no terminal; the certificate it replaces is kept beside it
 * (ca.previous-YYYYMMDD.crt) and ca.crt is replaced at once (rename).
 * An expired CA can be renewed too: its key is what the certificates name.
 */
export async function renewCaCertificate(
  dir: string,
  at: Date = new Date(),
): Promise<{ previousFile: string; notAfter: Date; fingerprint: string }> {
  const keyPath = path.join(dir, 'ca.key');
  const certPath = path.join(dir, 'ca.crt');
  const keyPem = await readIfPresent(keyPath);
  const certPem = await readIfPresent(certPath);
  if (keyPem === null || certPem === null)
    throw new StartupError([`CA_DIR: renewing needs ${keyPath} and ${certPath}; the issuing CA lives there`]);
  await checkKeyFileMode(keyPath);
  // Checked as of its own start: an expired CA may be renewed.
  const { forgeCert, signingKey } = checkCaPair(keyPem, certPem, dir, new Date(0));
  const publicKeyPem = createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }).toString();
  const notAfter = new Date(Math.floor((at.getTime() + CA_VALID_DAYS * DAY_MS) / 1000) * 1000);
  const renewed = signedCertificate(
    publicKeyPem,
    forgeCert.subject.attributes,
    forgeCert.subject.attributes,
    signingKey,
    at.getTime(),
    notAfter,
    [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  );
  const renewedPem = forge.pki.certificateToPem(renewed);
  const previousFile = path.join(dir, `ca.previous-${at.toISOString().slice(0, 10).replace(/-/g, '')}.crt`);
  await fs.writeFile(previousFile, certPem, { mode: 0o644 });
  const temporary = path.join(dir, `.ca.crt.${process.pid}.tmp`);
  await fs.writeFile(temporary, renewedPem, { mode: 0o644 });
  await fs.rename(temporary, certPath);
  return { previousFile, notAfter, fingerprint: fingerprintOfPem(renewedPem) };
}

/**
 * The CA opened read-only, from its certificate alone (CA_CERT_FILE): for a
 * process that checks terminal certificates against the CA but never issues
 * one (the gateway, the worker), so the CA's private key need not be
 * mounted where it serves the network. The same checks as a full CA's
 * certificate: a self-signed CA certificate that has not expired.
 */
export async function readCaCertificate(file: string, now: Date = new Date()): Promise<string> {
  const refuse = (problem: string) => new StartupError([`CA_CERT_FILE: ${problem}`]);
  let pem: string;
  try {
    pem = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw refuse(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch {
    throw refuse(`${file} is not a PEM certificate`);
  }
  if (!x509.ca || !x509.verify(x509.publicKey)) throw refuse(`${file} is not a self-signed CA certificate`);
  if (now.getTime() > Date.parse(x509.validTo))
    throw refuse(`the CA in ${file} expired on ${new Date(x509.validTo).toISOString()}`);
  return pem;
}

/** 'expired' only for a certificate past notAfter; not-yet-valid counts as untrusted. */
export function checkCertificate(
  cert: X509Certificate,
  ca: X509Certificate,
  now: Date,
  requiredExtendedKeyUsage?: string,
): 'ok' | 'untrusted' | 'expired' {
  let signed: boolean;
  try {
    signed = cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    signed = false;
  }
  if (!signed) return 'untrusted';
  if (requiredExtendedKeyUsage && !(cert.keyUsage ?? []).includes(requiredExtendedKeyUsage)) return 'untrusted';
  if (!(now.getTime() >= Date.parse(cert.validFrom))) return 'untrusted';
  if (!(now.getTime() <= Date.parse(cert.validTo))) return 'expired';
  return 'ok';
}

function authorityFrom(keyPem: string, certPem: string, dir: string, now: () => Date): CertificateAuthority {
  const { x509: caX509, forgeCert: caCert, signingKey: caKey } = checkCaPair(keyPem, certPem, dir, now());
  const caNotAfter = caCert.validity.notAfter;

  const issue = (subject: forge.pki.CertificateField[], validDays: number, extensions: object[]) => {
    if (!Number.isInteger(validDays) || validDays < 1) throw new RangeError('validDays must be a positive integer');
    const keys = newKeyPair();
    const issuedAt = now().getTime();
    // Whole seconds: that is all X.509 stores, so the returned date equals the certificate's.
    const notAfter = new Date(Math.floor(Math.min(issuedAt + validDays * DAY_MS, caNotAfter.getTime()) / 1000) * 1000);
    const cert = signedCertificate(keys.publicKeyPem, subject, caCert.subject.attributes, caKey, issuedAt, notAfter, [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      ...extensions,
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    return { cert, keyPem: keys.privateKeyPem, privateKey: forge.pki.privateKeyFromPem(keys.privateKeyPem), notAfter };
  };

  return {
    caCertificatePem: certPem,
    issueClientCertificate({ commonName, organization, validDays = DEFAULT_VALID_DAYS, passphrase }) {
      if (passphrase.length < 8 || !/^[\x20-\x7e]+$/.test(passphrase))
        // Non-ASCII passphrases are converted differently by Windows, macOS and OpenSSL.
        throw new RangeError('passphrase must be at least 8 printable ASCII characters');
      const subject = [
        nameField('CN', commonName),
        ...(organization === undefined ? [] : [nameField('O', organization)]),
      ];
      const { cert, keyPem, privateKey, notAfter } = issue(subject, validDays, [
        { name: 'extKeyUsage', clientAuth: true },
      ]);
      const p12 = forge.pkcs12.toPkcs12Asn1(privateKey, [cert, caCert], passphrase, {
        algorithm: '3des',
        friendlyName: commonName,
        generateLocalKeyId: true,
      });
      const certificatePem = forge.pki.certificateToPem(cert);
      return {
        pkcs12: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'),
        certificatePem,
        keyPem,
        fingerprint: fingerprintOfPem(certificatePem),
        serialNumber: new X509Certificate(certificatePem).serialNumber.toLowerCase(),
        notAfter,
      };
    },
    issueServerCertificate(hostnames, validDays = DEFAULT_VALID_DAYS) {
      const first = hostnames[0];
      if (first === undefined) throw new RangeError('a server certificate needs at least one hostname or IP address');
      const altNames = hostnames.map((h) => (net.isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
      const { cert, keyPem } = issue([nameField('CN', first)], validDays, [
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ]);
      return { certificatePem: forge.pki.certificateToPem(cert), keyPem };
    },
    verifies(certificatePem, at = now()) {
      try {
        return checkCertificate(new X509Certificate(certificatePem), caX509, at) === 'ok';
      } catch {
        return false; // not a certificate at all
      }
    },
  };
}

async function createCa(
  dir: string,
  keyPath: string,
  certPath: string,
  at: Date,
): Promise<{ keyPem: string; certPem: string }> {
  const keys = newKeyPair();
  const key = createPrivateKey(keys.privateKeyPem);
  const subject = [nameField('CN', CA_COMMON_NAME)];
  const cert = signedCertificate(
    keys.publicKeyPem,
    subject,
    subject,
    key,
    at.getTime(),
    new Date(at.getTime() + CA_VALID_DAYS * DAY_MS),
    [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  );
  const certPem = forge.pki.certificateToPem(cert);
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await fs.chmod(dir, 0o700);
    // 'wx': if another process created the CA meanwhile, fail rather than overwrite it.
    await fs.writeFile(keyPath, keys.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await fs.writeFile(certPath, certPem, { mode: 0o644, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StartupError([`CA_DIR: cannot create the certificate authority in ${dir} (${code})`]);
  }
  return { keyPem: keys.privateKeyPem, certPem };
}

/** Refuses a CA that cannot be used safely; returns it parsed for Node and for forge. */
function checkCaPair(keyPem: string, certPem: string, dir: string, at: Date) {
  const refuse = (problem: string) => new StartupError([`CA_DIR: ${problem}`]);
  let x509: X509Certificate;
  let publicOfKey: Buffer;
  let forgeCert: forge.pki.Certificate;
  let signingKey: KeyObject;
  try {
    x509 = new X509Certificate(certPem);
    signingKey = createPrivateKey(keyPem);
    if (signingKey.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    publicOfKey = createPublicKey(signingKey).export({ type: 'spki', format: 'der' });
    forgeCert = forge.pki.certificateFromPem(certPem);
  } catch {
    throw refuse(`${dir}/ca.key and ca.crt must be an unencrypted PEM RSA key and its certificate`);
  }
  if (!publicOfKey.equals(x509.publicKey.export({ type: 'spki', format: 'der' })))
    throw refuse(`${dir}/ca.key does not belong to ${dir}/ca.crt`);
  if (!x509.ca || !x509.verify(x509.publicKey)) throw refuse(`${dir}/ca.crt is not a self-signed CA certificate`);
  if (at.getTime() > Date.parse(x509.validTo))
    throw refuse(
      `the CA in ${dir} expired on ${new Date(x509.validTo).toISOString()}; every terminal certificate must be reissued under a new CA`,
    );
  return { x509, forgeCert, signingKey };
}

async function checkKeyFileMode(keyPath: string): Promise<void> {
  if (process.platform === 'win32') return; // POSIX modes mean nothing there
  const { mode } = await fs.stat(keyPath);
  if ((mode & 0o077) !== 0)
    throw new StartupError([
      `CA_DIR: ${keyPath} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
    ]);
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new StartupError([`CA_DIR: cannot read ${file} (${code ?? String(error)})`]);
  }
}

function newKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** UTF8String, so facility and staff names in Japanese encode correctly (forge defaults to PrintableString). */
function nameField(shortName: 'CN' | 'O', value: string): forge.pki.CertificateField {
  if (value.trim() === '' || [...value].length > 64) throw new RangeError(`${shortName} must be 1 to 64 characters`);
  return { shortName, value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class };
}

/**
 * A positive 128-bit serial. DER integers are signed and minimal, so a first
 * byte of 0 is redrawn and a first byte >= 0x80 gets a 00 sign byte.
 */
function randomSerialHex(): string {
  let bytes = randomBytes(16);
  while (bytes[0] === 0) bytes = randomBytes(16);
  return ((bytes[0] ?? 0) >= 0x80 ? '00' : '') + bytes.toString('hex');
}

function signedCertificate(
  publicKeyPem: string,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  signingKey: KeyObject,
  issuedAt: number,
  notAfter: Date,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(issuedAt - BACKDATE_MS);
  cert.validity.notAfter = notAfter;
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  // What forge's cert.sign does, with the RSA signature made by Node's native crypto: forge's
  // JavaScript RSA took about half of an issuance's time, on the event loop of identity.
  cert.md = forge.md.sha256.create();
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption as string;
  // getTBSCertificate is public in forge (its cert.sign uses it) but missing from @types/node-forge.
  const { getTBSCertificate } = forge.pki as unknown as {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1;
  };
  cert.tbsCertificate = getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, signingKey).toString('binary');
  return cert;
}

/**
 * The name a terminal certificate is handed over under (the download route's
 * Content-Disposition and its instructions): ASCII, so every browser and
 * shell keeps it, and distinct per certificate through its serial number.
 */
export function terminalCertificateFileName(serialNumber: string): string {
  const digits = serialNumber.replace(/[^0-9a-f]/gi, '').slice(0, 12);
  return `renkei-terminal-${digits.toLowerCase()}.p12`;
}

/**
 * Plain-text install steps (Japanese, then English) for a terminal's .p12
 * (appendix 2). Takes no passphrase on purpose: the passphrase must reach the
 * user by a separate channel, so these steps can travel with the file.
 */
export function certificateInstallInstructions(input: {
  commonName: string;
  fingerprint: string;
  notAfter: Date;
  caCertificatePem: string;
  fileName: string;
}): string {
  const file = input.fileName;
  // Windows shows the SHA-1 thumbprint when asked to trust a new root CA.
  const caThumbprint = new X509Certificate(input.caCertificatePem).fingerprint.replace(/:/g, '');
  const until = input.notAfter.toISOString().slice(0, 10);
  return [
    '高岡多職種ネット 端末用電子証明書のインストール手順 / Installing the terminal certificate',
    `証明書 / Certificate: ${input.commonName}   有効期限 / Valid until: ${until}`,
    `SHA-256: ${input.fingerprint}`,
    'パスフレーズは別にお知らせします。/ The passphrase is sent to you separately.',
    '',
    `Windows (Edge, Chrome): ${file} をダブルクリック →「現在のユーザー」→ パスフレーズを入力`,
    '  (「このキーをエクスポート可能にする」はチェックしない) →「証明書の種類に基づいて、自動的に証明書ストアを選択する」→ 完了。',
    '  Double-click the file, choose "Current User", enter the passphrase (leave "Mark this key as exportable"',
    '  unchecked), choose "Automatically select the certificate store", then Finish.',
    `macOS (Safari, Chrome): ${file} をダブルクリック →「ログイン」キーチェーンに追加 → パスフレーズを入力。`,
    '  Double-click the file, add it to the "login" keychain, enter the passphrase.',
    'Firefox: 設定 → プライバシーとセキュリティ → 証明書を表示 →「あなたの証明書」→ インポート。',
    '  Settings → Privacy & Security → View Certificates → Your Certificates → Import.',
    '',
    `「${CA_COMMON_NAME}」を信頼するか確認された場合は、拇印が ${caThumbprint} であることを確かめてから「はい」。`,
    `  If asked to trust "${CA_COMMON_NAME}", check that its thumbprint is ${caThumbprint} first.`,
    '初回接続時に証明書の選択を求められたら上記の証明書を選びます。/ When the browser asks for a certificate, choose this one.',
    'インストール後は .p12 ファイルとパスフレーズのメモを削除し、他の端末にコピーしないでください。',
    '  After installing, delete the .p12 file and the passphrase note; never copy them to another terminal.',
  ].join('\n');
}
