import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCertificateAuthority, type CertificateAuthority } from '../pki/certificate-authority';
import { fingerprintOfPem } from '../pki/fingerprint';
import { maxPartnerCaCertificates, parseCaBundle } from './partner-ca';

describe('parseCaBundle (a partner CA pasted into the registry)', () => {
  const dirs: string[] = [];
  const now = new Date();
  let ca: CertificateAuthority;
  let otherCa: CertificateAuthority;
  const openCa = async (at?: Date) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-partner-ca-'));
    dirs.push(dir);
    return openCertificateAuthority(dir, at ? { now: () => at } : {});
  };
  beforeAll(async () => {
    ca = await openCa();
    otherCa = await openCa();
  });
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('accepts one or more CA certificates and summarizes each (duplicates once)', () => {
    const parsed = parseCaBundle(
      `# the partner's root\n${ca.caCertificatePem}\n${otherCa.caCertificatePem}${ca.caCertificatePem}`,
      now,
    );
    expect(parsed).toMatchObject({ ok: true });
    if (!parsed.ok) return;
    expect(parsed.certificates.map((c) => c.fingerprint)).toEqual([
      fingerprintOfPem(ca.caCertificatePem),
      fingerprintOfPem(otherCa.caCertificatePem),
    ]);
    expect(parsed.certificates[0]).toMatchObject({
      subject: 'CN=Renkei network CA',
      issuer: 'CN=Renkei network CA',
      notAfter: expect.any(Date),
    });
    expect(parsed.certificates[0]!.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('refuses private key material, even beside a valid certificate', () => {
    const { keyPem, certificatePem } = ca.issueServerCertificate(['partner.example']);
    expect(parseCaBundle(`${ca.caCertificatePem}\n${keyPem}`, now)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^contains private key material/),
    });
    expect(
      parseCaBundle(
        `${certificatePem}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n`,
        now,
      ),
    ).toMatchObject({ ok: false });
  });

  it('refuses a certificate that is not a CA (a server or client certificate)', () => {
    const { certificatePem } = ca.issueServerCertificate(['partner.example']);
    expect(parseCaBundle(certificatePem, now)).toEqual({
      ok: false,
      problem: 'the certificate (CN=partner.example) is not a CA certificate (basicConstraints cA)',
    });
    expect(parseCaBundle(`${ca.caCertificatePem}${certificatePem}`, now)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^certificate 2 \(CN=partner.example\) is not a CA/),
    });
  });

  it('refuses an expired CA and one not yet valid', async () => {
    const old = await openCa(new Date(Date.now() - 3651 * 24 * 3600 * 1000));
    expect(parseCaBundle(old.caCertificatePem, now)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^the certificate expired on \d{4}-/),
    });
    const future = await openCa(new Date(Date.now() + 2 * 24 * 3600 * 1000));
    expect(parseCaBundle(future.caCertificatePem, now)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^the certificate is not valid before/),
    });
  });

  it('refuses text that is not PEM, a block that does not parse, other PEM types and too many certificates', () => {
    expect(parseCaBundle('hello', now)).toEqual({
      ok: false,
      problem: 'must be PEM CA certificate(s) (-----BEGIN CERTIFICATE-----)',
    });
    expect(parseCaBundle('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', now)).toEqual({
      ok: false,
      problem: 'the certificate does not parse as an X.509 certificate',
    });
    expect(parseCaBundle('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n', now)).toEqual({
      ok: false,
      problem: 'the certificate is a PUBLIC KEY, not a CERTIFICATE',
    });
    expect(parseCaBundle(ca.caCertificatePem.repeat(maxPartnerCaCertificates + 1), now)).toEqual({
      ok: false,
      problem: `must hold at most ${maxPartnerCaCertificates} certificates`,
    });
  });
});
