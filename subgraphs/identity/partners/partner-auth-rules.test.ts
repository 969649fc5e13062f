import { generateKeyPairSync } from 'node:crypto';
import {
  authSettingsProblem,
  cleanPublicJwk,
  jwksText,
  jwksUrlText,
  type PartnerAuthSettings,
} from './partner-auth-rules';

const publicJwk = (type: 'ed25519' | 'rsa' | 'ec', options: Record<string, unknown> = {}): Record<string, unknown> => {
  const { publicKey } = generateKeyPairSync(type as 'rsa', options as unknown as { modulusLength: number });
  return publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
};

const ed25519 = publicJwk('ed25519');
const p256 = publicJwk('ec', { namedCurve: 'P-256' });
const p384 = publicJwk('ec', { namedCurve: 'P-384' });
const rsa2048 = publicJwk('rsa', { modulusLength: 2048 });
const rsa1024 = publicJwk('rsa', { modulusLength: 1024 });

const settings = (overrides: Partial<PartnerAuthSettings> = {}): PartnerAuthSettings => ({
  inboundAuth: 'CONTRACT_JWT',
  jwks: { keys: [] },
  jwksUrl: null,
  certificateFingerprints: [],
  outboundAuth: 'JWT',
  ourClientId: null,
  ...overrides,
});

describe('cleanPublicJwk: each key gets the one algorithm it may sign with', () => {
  it.each([
    ['Ed25519', ed25519, 'EdDSA'],
    ['P-256', p256, 'ES256'],
    ['P-384', p384, 'ES384'],
    ['RSA 2048', rsa2048, 'RS384'],
  ])('%s → %s', (_name, key, alg) => {
    const result = cleanPublicJwk({ ...key, kid: 'k1', alg: 'none' });
    expect(result).toEqual({ ok: true, jwk: expect.objectContaining({ alg, use: 'sig', kid: 'k1' }) });
  });

  it('refuses private, symmetric, short RSA and unknown keys', () => {
    expect(cleanPublicJwk({ ...p384, d: 'secret' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/public keys only/),
    });
    expect(cleanPublicJwk({ kty: 'oct', k: 'abc' })).toMatchObject({ ok: false });
    expect(cleanPublicJwk(rsa1024)).toEqual({ ok: false, message: 'RSA keys must be at least 2048 bits' });
    expect(cleanPublicJwk({ kty: 'EC', crv: 'P-521', x: 'a', y: 'b' })).toMatchObject({ ok: false });
    expect(cleanPublicJwk('key')).toMatchObject({ ok: false });
  });

  it('parses a JWK set text, refusing the whole set for one bad key', () => {
    expect(jwksText.safeParse(JSON.stringify({ keys: [rsa2048, p384] })).success).toBe(true);
    expect(jwksText.safeParse(JSON.stringify({ keys: [rsa2048, rsa1024] })).success).toBe(false);
    expect(jwksText.safeParse('{"keys": []}').success).toBe(false);
    expect(jwksText.safeParse('not json').success).toBe(false);
  });
});

describe('jwksUrlText', () => {
  it('takes https URLs (queries allowed) and the empty text that removes one', () => {
    expect(jwksUrlText.safeParse('https://partner.example/.well-known/jwks.json?v=2').success).toBe(true);
    expect(jwksUrlText.safeParse('').success).toBe(true);
  });
  it.each([
    'http://partner.example/jwks',
    'https://user:pw@partner.example/jwks',
    'https://partner.example/jwks#k',
    'jwks.json',
  ])('refuses %s', (url) => expect(jwksUrlText.safeParse(url).success).toBe(false));
});

describe('authSettingsProblem', () => {
  const keys = (...ks: Array<Record<string, unknown>>) => ({
    keys: ks.map((k) => {
      const cleaned = cleanPublicJwk(k);
      if (!cleaned.ok) throw new Error(cleaned.message);
      return cleaned.jwk;
    }),
  });

  it('accepts contract v1 partners as before, and SMART partners with RS384/ES384 keys or a JWKS URL', () => {
    expect(authSettingsProblem(settings({ jwks: keys(ed25519) }))).toBeNull();
    expect(authSettingsProblem(settings({ certificateFingerprints: ['ab'.repeat(32)] }))).toBeNull();
    expect(authSettingsProblem(settings({ inboundAuth: 'SMART_BACKEND', jwks: keys(rsa2048) }))).toBeNull();
    expect(authSettingsProblem(settings({ inboundAuth: 'SMART_BACKEND', jwks: keys(p384) }))).toBeNull();
    expect(
      authSettingsProblem(settings({ inboundAuth: 'SMART_BACKEND', jwksUrl: 'https://partner.example/jwks' })),
    ).toBeNull();
    expect(
      authSettingsProblem(settings({ jwks: keys(ed25519), outboundAuth: 'SMART_BACKEND', ourClientId: 'renkei' })),
    ).toBeNull();
  });

  it('a partner with no way to authenticate', () => {
    expect(authSettingsProblem(settings())).toMatchObject({ field: 'jwks' });
  });

  it('a SMART partner whose inline keys cannot sign RS384/ES384 assertions', () => {
    expect(authSettingsProblem(settings({ inboundAuth: 'SMART_BACKEND', jwks: keys(ed25519, p256) }))).toEqual({
      field: 'jwks',
      message: { en: expect.stringMatching(/RS384.*ES384/), ja: expect.stringMatching(/RS384.*ES384/) },
    });
  });

  it('a contract partner whose only keys are SMART keys', () => {
    expect(authSettingsProblem(settings({ jwks: keys(rsa2048) }))).toMatchObject({ field: 'jwks' });
  });

  it('calling a partner with SMART Backend Services needs the client id it gave us', () => {
    expect(authSettingsProblem(settings({ jwks: keys(ed25519), outboundAuth: 'SMART_BACKEND' }))).toMatchObject({
      field: 'ourClientId',
    });
  });
});
