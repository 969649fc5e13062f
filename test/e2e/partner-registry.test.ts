// The partner registry (Art. 20-2, 20-3) through the real gateway: only the
// system admin registers, changes, suspends and reactivates partners; every
// change is audited; bad input is refused with a stable code and stores
// nothing; a suspended partner is invisible to the exchange
// (findPartnerForExchange); our own exchange identity is shown for partners
// to register us.
import { exportJWK, generateKeyPair } from 'jose';
import { findPartnerForExchange } from '../../subgraphs/identity/partners/partner-service';
import { actorWithRole, type Actor } from '../support/actors';
import { as, auditMark, auditSince, expectForbidden, firstError } from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const fields =
  'id name fhirBaseUrl requesterSystem userSystem jwks certificateFingerprints outboundAuth ourClientId status statusReason statusChangedBy { id }';
const d = {
  register: `mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { ${fields} } }`,
  update: `mutation($id: ID!, $input: UpdatePartnerInput!) { updatePartner(id: $id, input: $input) { ${fields} } }`,
  suspend: `mutation($id: ID!, $reason: String!) { suspendPartner(id: $id, reason: $reason) { id status statusReason } }`,
  reactivate: `mutation($id: ID!, $reason: String!) { reactivatePartner(id: $id, reason: $reason) { id status } }`,
  partners: `{ partners { id name status } }`,
  partner: `query($id: ID!) { partner(id: $id) { id name } }`,
  exchangeIdentity: `{ exchangeIdentity { issuer jwk fhirBaseUrl } }`,
};

async function publicJwks(): Promise<string> {
  const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return JSON.stringify({ keys: [await exportJWK(publicKey)] });
}

describe('the partner registry', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let input: Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    input = {
      name: '氷見市多職種ネット',
      fhirBaseUrl: 'https://himi.example/fhir/',
      requesterSystem: 'https://himi.example/requests',
      userSystem: 'https://himi.example/users',
      jwks: await publicJwks(),
    };
  });
  afterAll(() => t?.stop());

  const partnerCount = () => t.db.prisma.partner.count();

  it('registers a partner (system admin), normalizing its URL, and audits it', async () => {
    const mark = await auditMark(t);
    const response = await as(t, sa)(d.register, {
      input: { ...input, certificateFingerprints: ['AB:'.repeat(31) + 'AB'] },
    });
    expect(response.errors).toBeUndefined();
    const partner = response.data?.registerPartner;
    expect(partner).toMatchObject({
      name: '氷見市多職種ネット',
      fhirBaseUrl: 'https://himi.example/fhir',
      status: 'ACTIVE',
      outboundAuth: 'JWT',
      ourClientId: null,
      certificateFingerprints: ['ab'.repeat(32)],
      statusChangedBy: { id: sa.userId },
    });
    expect(JSON.parse(partner.jwks).keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(await auditSince(t, mark, { action: 'partner.register' })).toEqual([
      expect.objectContaining({ outcome: 'SUCCESS', actorId: sa.userId, targetType: 'Partner', targetId: partner.id }),
    ]);
    const listed = await as(t, sa)(d.partners);
    expect(listed.data?.partners).toEqual(
      expect.arrayContaining([{ id: partner.id, name: '氷見市多職種ネット', status: 'ACTIVE' }]),
    );
    expect((await as(t, sa)(d.partner, { id: partner.id })).data?.partner).toEqual({
      id: partner.id,
      name: '氷見市多職種ネット',
    });
  });

  it('is the system admin alone: a hospital manager is refused, audited, nothing stored', async () => {
    await expectForbidden(t, hm, d.register, { input });
    await expectForbidden(t, hm, d.partners, {});
    await expectForbidden(t, hm, d.exchangeIdentity, {});
  });

  it.each([
    ['an http URL', { fhirBaseUrl: 'http://himi.example/fhir' }, 'input.fhirBaseUrl'],
    ['a URL with a query', { fhirBaseUrl: 'https://himi.example/fhir?x=1' }, 'input.fhirBaseUrl'],
    ['a relative identifier system', { requesterSystem: 'requests' }, 'input.requesterSystem'],
    ['a JWK set that is not JSON', { jwks: '{keys' }, 'input.jwks'],
    [
      'a private key',
      { jwks: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', d: 'secret' }] }) },
      'input.jwks',
    ],
    ['an RSA key', { jwks: JSON.stringify({ keys: [{ kty: 'RSA', n: 'abc', e: 'AQAB' }] }) }, 'input.jwks'],
    ['a bad fingerprint', { certificateFingerprints: ['abc'] }, 'input.certificateFingerprints.0'],
    ['no way to authenticate', { jwks: null }, 'input.jwks'],
    ['an empty name', { name: '  ' }, 'input.name'],
  ])('refuses %s with BAD_USER_INPUT naming the field, storing nothing', async (_label, change, field) => {
    const before = await partnerCount();
    const response = await as(t, sa)(d.register, { input: { ...input, ...change } });
    expect(firstError(response)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.data).toBeNull();
    expect(await partnerCount()).toBe(before);
  });

  it('refuses a key that does not import (bad coordinates) as BAD_USER_INPUT', async () => {
    const before = await partnerCount();
    const response = await as(t, sa)(d.register, {
      input: { ...input, jwks: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: '!!' }] }) },
    });
    expect(firstError(response)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'jwks' });
    expect(await partnerCount()).toBe(before);
  });

  it('updates only the fields given, and audits which', async () => {
    const created = (await as(t, sa)(d.register, { input })).data?.registerPartner;
    const mark = await auditMark(t);
    const updated = await as(t, sa)(d.update, {
      id: created.id,
      input: { ourClientId: 'takaoka-at-himi', outboundAuth: 'MTLS' },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updatePartner).toMatchObject({
      id: created.id,
      name: created.name,
      ourClientId: 'takaoka-at-himi',
      outboundAuth: 'MTLS',
      jwks: created.jwks,
    });
    expect(await auditSince(t, mark, { action: 'partner.update' })).toEqual([
      expect.objectContaining({ targetId: created.id, details: { fields: 'ourClientId,outboundAuth' } }),
    ]);
    const nothing = await as(t, sa)(d.update, { id: created.id, input: {} });
    expect(firstError(nothing)?.extensions?.code).toBe('CONFLICT');
    const removeAllAuth = await as(t, sa)(d.update, { id: created.id, input: { jwks: JSON.stringify({ keys: [] }) } });
    expect(firstError(removeAllAuth)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.jwks' });
    const unknown = await as(t, sa)(d.update, { id: '00000000-0000-4000-8000-000000000000', input: { name: 'x' } });
    expect(firstError(unknown)?.extensions?.code).toBe('NOT_FOUND');
  });

  it('suspension hides the partner from the exchange at once; reactivation brings it back; both audited', async () => {
    const created = (await as(t, sa)(d.register, { input })).data?.registerPartner;
    expect(await findPartnerForExchange(t.db.prisma, created.id)).toMatchObject({
      id: created.id,
      fhirBaseUrl: 'https://himi.example/fhir',
      userSystem: 'https://himi.example/users',
    });
    const mark = await auditMark(t);
    const suspended = await as(t, sa)(d.suspend, { id: created.id, reason: '鍵の漏えいの疑い' });
    expect(suspended.data?.suspendPartner).toEqual({
      id: created.id,
      status: 'SUSPENDED',
      statusReason: '鍵の漏えいの疑い',
    });
    expect(await findPartnerForExchange(t.db.prisma, created.id)).toBeNull();
    const twice = await as(t, sa)(d.suspend, { id: created.id, reason: 'again' });
    expect(firstError(twice)?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await as(t, sa)(d.reactivate, { id: created.id, reason: '鍵を交換した' })).data?.reactivatePartner).toEqual(
      { id: created.id, status: 'ACTIVE' },
    );
    expect(await findPartnerForExchange(t.db.prisma, created.id)).not.toBeNull();
    const actions = (await auditSince(t, mark, { targetId: created.id })).map((row) => [row.action, row.outcome]);
    expect(actions).toEqual([
      ['partner.suspend', 'SUCCESS'],
      ['partner.reactivate', 'SUCCESS'],
    ]);
  });

  it('findPartnerForExchange answers null for an unknown or malformed id', async () => {
    expect(await findPartnerForExchange(t.db.prisma, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await findPartnerForExchange(t.db.prisma, 'not-a-uuid')).toBeNull();
  });

  it('shows our exchange identity: the FHIR base URL and our public key (no private part)', async () => {
    const response = await as(t, sa)(d.exchangeIdentity);
    expect(response.errors).toBeUndefined();
    const identity = response.data?.exchangeIdentity;
    expect(identity.fhirBaseUrl).toBe(`${t.system.gateway.url}/fhir`);
    expect(identity.issuer).toBe(identity.fhirBaseUrl);
    const jwk = JSON.parse(identity.jwk);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(jwk).not.toHaveProperty('d');
    expect(jwk).toEqual(t.system.exchange.key.publicJwk);
  });
});
