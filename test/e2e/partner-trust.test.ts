// Partner trust without a restart (the registry side): a partner's CA is
// checked at entry and kept in the registry; a partner we call with mutual
// TLS gets a client certificate of its own from our network CA, whose key is
// sealed in the database and never shown; partnerTransport hands both to the
// requester side, read fresh on every call. A real TLS handshake shows the
// data is usable for that partner and no other. exchangeIdentity shows a
// partner's administrator everything to register us.
import { createPublicKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { memoryPartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import {
  CLIENT_AUTH_OID,
  openCertificateAuthority,
  type CertificateAuthority,
} from '../../lib/pki/certificate-authority';
import { fingerprintOfPem } from '../../lib/pki/fingerprint';
import { partnerTransport } from '../../subgraphs/identity/partners/partner-service';
import { actorWithRole, type Actor } from '../support/actors';
import { as, auditMark, auditSince, expectForbidden, expectRefused } from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';
import type { TLSSocket } from 'node:tls';

const certificate = 'pem subject issuer fingerprint notBefore notAfter';
const fields = `id outboundAuth caCertificates { ${certificate} } clientCertificate { ${certificate} }`;
const d = {
  register: `mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { ${fields} } }`,
  update: `mutation($id: ID!, $input: UpdatePartnerInput!) { updatePartner(id: $id, input: $input) { ${fields} } }`,
  renew: `mutation($id: ID!) { renewPartnerClientCertificate(id: $id) { ${fields} } }`,
  suspend: `mutation($id: ID!) { suspendPartner(id: $id, reason: "契約終了") { id } }`,
  partner: `query($id: ID!) { partner(id: $id) { ${fields} } }`,
  exchangeIdentity: `{ exchangeIdentity { issuer jwk jwksUrl fhirBaseUrl requestIdentifierSystem userIdentifierSystem networkCaCertificate partners { partner { id } clientId outboundAuth clientCertificate { fingerprint } } } }`,
};

describe('partner trust (registry side)', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let partnerCa: CertificateAuthority;
  let otherCa: CertificateAuthority;
  const dirs: string[] = [];
  let n = 0;

  const newCa = async (at?: Date) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-partner-trust-'));
    dirs.push(dir);
    return openCertificateAuthority(dir, at ? { now: () => at } : {});
  };
  const input = async (overrides: Record<string, unknown> = {}) => {
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    n += 1;
    return {
      name: `連携先${n}`,
      fhirBaseUrl: `https://p${n}.example/fhir`,
      requesterSystem: `https://p${n}.example/requests`,
      userSystem: `https://p${n}.example/users`,
      jwks: JSON.stringify({ keys: [await exportJWK(publicKey)] }),
      ourClientId: `renkei-at-p${n}`,
      ...overrides,
    };
  };
  const register = async (overrides: Record<string, unknown> = {}) => {
    const response = await as(t, sa)(d.register, { input: await input(overrides) });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data?.registerPartner;
  };
  const transport = (id: string) => partnerTransport({ db: t.db.prisma, partnerKeys: t.system.partnerKeys }, id);

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    partnerCa = await newCa();
    otherCa = await newCa();
  });
  afterAll(async () => {
    await t?.stop();
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  it("keeps a partner's CA, shows it, and hands it to the requester side for that partner only", async () => {
    const withCa = await register({ caCertificates: partnerCa.caCertificatePem });
    expect(withCa.caCertificates).toEqual([
      expect.objectContaining({
        fingerprint: fingerprintOfPem(partnerCa.caCertificatePem),
        subject: 'CN=Renkei network CA',
      }),
    ]);
    expect(withCa.clientCertificate).toBeNull();
    const without = await register();
    expect(await transport(withCa.id)).toEqual({
      caPems: [new X509Certificate(partnerCa.caCertificatePem).toString()],
    });
    expect(await transport(without.id)).toEqual({ caPems: [] });
  });

  it('refuses a CA that is not one, expired, carries a private key or is not PEM, naming the field, storing nothing', async () => {
    const { certificatePem, keyPem } = partnerCa.issueServerCertificate(['p.example']);
    const expired = await newCa(new Date(Date.now() - 3651 * 86_400_000));
    const cases: Array<[string, RegExp]> = [
      [certificatePem, /^caCertificates: The certificate \(CN=p\.example\) is not a CA certificate/],
      [expired.caCertificatePem, /^caCertificates: The certificate expired on/],
      [`${partnerCa.caCertificatePem}${keyPem}`, /^caCertificates: Contains private key material/],
      ['not a certificate', /^caCertificates: Must be PEM CA certificate/],
    ];
    for (const [caCertificates, message] of cases) {
      const response = await expectRefused(
        t,
        sa,
        d.register,
        { input: await input({ caCertificates }) },
        'BAD_USER_INPUT',
        'caCertificates',
      );
      expect(response.errors?.[0]?.message).toMatch(message);
    }
    const existing = await register();
    const refused = await expectRefused(
      t,
      sa,
      d.update,
      { id: existing.id, input: { caCertificates: certificatePem } },
      'BAD_USER_INPUT',
      'caCertificates',
    );
    expect(refused.errors?.[0]?.message).toMatch(/not a CA certificate/);
  });

  it('a CA change applies to the next call without a restart, and an empty text removes it (audited)', async () => {
    const partner = await register({ caCertificates: partnerCa.caCertificatePem });
    const mark = await auditMark(t);
    const changed = await as(t, sa)(d.update, {
      id: partner.id,
      input: { caCertificates: `${otherCa.caCertificatePem}${partnerCa.caCertificatePem}` },
    });
    expect(changed.errors).toBeUndefined();
    expect((await transport(partner.id))?.caPems.map(fingerprintOfPem)).toEqual([
      fingerprintOfPem(otherCa.caCertificatePem),
      fingerprintOfPem(partnerCa.caCertificatePem),
    ]);
    expect(await auditSince(t, mark, { action: 'partner.update' })).toEqual([
      expect.objectContaining({ targetId: partner.id, details: { fields: 'caCertificates' } }),
    ]);
    expect(
      (await as(t, sa)(d.update, { id: partner.id, input: { caCertificates: '' } })).data?.updatePartner.caCertificates,
    ).toEqual([]);
    expect(await transport(partner.id)).toEqual({ caPems: [] });
  });

  it('MTLS: a client certificate of its own from our network CA, shown without its key; the key is sealed and opens only with our vault', async () => {
    const mark = await auditMark(t);
    const response = await as(t, sa)(d.register, {
      input: await input({ outboundAuth: 'MTLS', caCertificates: partnerCa.caCertificatePem }),
    });
    expect(response.errors).toBeUndefined();
    const partner = response.data?.registerPartner;
    expect(JSON.stringify(response)).not.toMatch(/PRIVATE KEY/);
    const shown = partner.clientCertificate;
    expect(shown).toMatchObject({
      subject: expect.stringContaining(`CN=renkei-exchange:${partner.id}`),
      issuer: 'CN=Renkei network CA',
    });
    const cert = new X509Certificate(shown.pem);
    expect(t.ca.verifies(shown.pem)).toBe(true);
    expect(cert.keyUsage).toContain(CLIENT_AUTH_OID);
    expect(await auditSince(t, mark, { targetId: partner.id })).toEqual([
      expect.objectContaining({ action: 'partner.register' }),
      expect.objectContaining({
        action: 'partner.client-certificate.issue',
        details: { fingerprint: shown.fingerprint },
      }),
    ]);
    const row = await t.db.prisma.partnerClientCredential.findFirstOrThrow({ where: { partnerId: partner.id } });
    expect(row.sealedKey).not.toMatch(/PRIVATE KEY/);

    const got = await transport(partner.id);
    expect(got?.clientCertificate).toMatchObject({ certPem: shown.pem, fingerprint: shown.fingerprint });
    // Stored sealed, not merely encoded: no line of the key's PEM body is in the row. (A bare /MII/, the start of
    // any base64 DER, also matched random ciphertext, about once in 90 runs.)
    const keyLines = got!.clientCertificate!.keyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(0);
    for (const line of keyLines) expect(row.sealedKey).not.toContain(line);
    // The key belongs to the certificate.
    expect(createPublicKey(got!.clientCertificate!.keyPem).export({ type: 'spki', format: 'der' })).toEqual(
      cert.publicKey.export({ type: 'spki', format: 'der' }),
    );
    // Another KEK (a CA_DIR restored without its partner-keys.kek) opens nothing: no call without the certificate.
    await expect(
      partnerTransport({ db: t.db.prisma, partnerKeys: memoryPartnerKeyVault() }, partner.id),
    ).rejects.toThrow(/another key-encryption key/);
  });

  it('the data is usable: a TLS handshake with the partner works for it and not for another partner', async () => {
    const mtls = await register({ outboundAuth: 'MTLS', caCertificates: partnerCa.caCertificatePem });
    const other = await register({ outboundAuth: 'MTLS', caCertificates: otherCa.caCertificatePem });
    // The partner's server: a certificate from its own CA, asking for a client certificate from ours.
    const { certificatePem, keyPem } = partnerCa.issueServerCertificate(['127.0.0.1']);
    const server = https.createServer(
      { cert: certificatePem, key: keyPem, ca: [t.ca.caCertificatePem], requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.end(peer.subject?.CN ?? '');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const call = (tr: Awaited<ReturnType<typeof transport>>) =>
      new Promise<string>((resolve, reject) => {
        const request = https.request(
          {
            host: '127.0.0.1',
            port,
            path: '/',
            ca: tr!.caPems,
            cert: tr!.clientCertificate?.certPem,
            key: tr!.clientCertificate?.keyPem,
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve(body));
          },
        );
        request.on('error', reject);
        request.end();
      });
    try {
      expect(await call(await transport(mtls.id))).toBe(`renkei-exchange:${mtls.id}`);
      // The other partner's transport trusts another CA: our side refuses this server.
      await expect(call(await transport(other.id))).rejects.toThrow();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('renews a client certificate (the old one retired at once); a JWT partner has none to renew; only the system admin', async () => {
    const partner = await register({ outboundAuth: 'MTLS' });
    const renewed = await as(t, sa)(d.renew, { id: partner.id });
    expect(renewed.errors).toBeUndefined();
    const now = (await as(t, sa)(d.partner, { id: partner.id })).data?.partner.clientCertificate;
    expect(now.fingerprint).not.toBe(partner.clientCertificate.fingerprint);
    expect((await transport(partner.id))?.clientCertificate?.fingerprint).toBe(now.fingerprint);
    expect(await t.db.prisma.partnerClientCredential.count({ where: { partnerId: partner.id, retiredAt: null } })).toBe(
      1,
    );
    const jwt = await register();
    expect((await as(t, sa)(d.renew, { id: jwt.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await expectForbidden(t, hm, d.renew, { id: partner.id });
  });

  it('switching a partner to MTLS issues its certificate; a suspended partner has no transport', async () => {
    const partner = await register();
    const switched = await as(t, sa)(d.update, { id: partner.id, input: { outboundAuth: 'MTLS' } });
    expect(switched.data?.updatePartner.clientCertificate?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await as(t, sa)(d.suspend, { id: partner.id })).errors).toBeUndefined();
    expect(await transport(partner.id)).toBeNull();
    expect(await transport('not-a-uuid')).toBeNull();
  });

  it('exchangeIdentity lists everything a partner registers for us, per partner with our client id and certificate', async () => {
    const mtls = await register({ outboundAuth: 'MTLS' });
    const response = await as(t, sa)(d.exchangeIdentity);
    expect(response.errors).toBeUndefined();
    const base = t.system.exchange.fhirBaseUrl;
    const identity = response.data?.exchangeIdentity;
    expect(identity).toMatchObject({
      issuer: base,
      jwksUrl: `${base}/.well-known/jwks.json`,
      fhirBaseUrl: base,
      requestIdentifierSystem: ourIdentifierSystems(base).request,
      userIdentifierSystem: ourIdentifierSystems(base).user,
      networkCaCertificate: t.ca.caCertificatePem,
    });
    expect(JSON.parse(identity.jwk)).toEqual(t.system.exchange.key.publicJwk);
    expect(identity.partners).toEqual(
      expect.arrayContaining([
        {
          partner: { id: mtls.id },
          clientId: expect.stringMatching(/^renkei-at-p/),
          outboundAuth: 'MTLS',
          clientCertificate: { fingerprint: mtls.clientCertificate.fingerprint },
        },
      ]),
    );
    expect(JSON.stringify(response)).not.toMatch(/PRIVATE KEY/);
    await expectForbidden(t, hm, d.exchangeIdentity, {});
  });
});
