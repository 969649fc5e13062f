import { SignJWT, importPKCS8 } from 'jose';
import {
  generateInternalKeyPair,
  internalKeyId,
  internalKeyRing,
  internalTokenSigner,
  InvalidInternalKeys,
  internalTokenVerifier,
  InvalidInternalToken,
} from './internal-token';
import type { Principal } from './principal';

const principal: Principal = {
  kind: 'user',
  userId: '0a921851-8bf2-4d1d-8a04-d58560765d90',
  role: 'FACILITY_MANAGER',
  facilityId: '1b921851-8bf2-4d1d-8a04-d58560765d90',
  orgUnitId: null,
  sessionId: '2c921851-8bf2-4d1d-8a04-d58560765d90',
  mustChangePassword: false,
  certificate: 'ab'.repeat(32),
  address: '127.0.0.1',
};

describe('internal token', () => {
  it('carries the principal from the gateway to a subgraph', async () => {
    const keys = await generateInternalKeyPair();
    const sign = await internalTokenSigner(keys.privateKeyPem);
    const verify = await internalTokenVerifier(keys.publicKeyPem);
    expect(await verify(await sign(principal))).toEqual(principal);
    expect(await verify(await sign({ kind: 'anonymous', certificate: null, address: null }))).toEqual({
      kind: 'anonymous',
      certificate: null,
      address: null,
    });
  });

  it('refuses tokens signed by another key, tampered, expired, or carrying a malformed principal', async () => {
    const keys = await generateInternalKeyPair();
    const other = await generateInternalKeyPair();
    const verify = await internalTokenVerifier(keys.publicKeyPem);
    const forged = await (await internalTokenSigner(other.privateKeyPem))(principal);
    await expect(verify(forged)).rejects.toBeInstanceOf(InvalidInternalToken);

    const genuine = await (await internalTokenSigner(keys.privateKeyPem))(principal);
    const [h, p, s] = genuine.split('.');
    const elevated = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(p!, 'base64url').toString()),
        prn: { ...principal, role: 'SYSTEM_ADMIN' },
      }),
    ).toString('base64url');
    await expect(verify(`${h}.${elevated}.${s}`)).rejects.toBeInstanceOf(InvalidInternalToken);

    const key = await importPKCS8(keys.privateKeyPem, 'EdDSA');
    const expired = await new SignJWT({ prn: principal })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('renkei-gateway')
      .setAudience('renkei-subgraphs')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 500)
      .sign(key);
    await expect(verify(expired)).rejects.toBeInstanceOf(InvalidInternalToken);

    const malformed = await new SignJWT({ prn: { kind: 'user', role: 'ROOT' } })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('renkei-gateway')
      .setAudience('renkei-subgraphs')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key);
    await expect(verify(malformed)).rejects.toBeInstanceOf(InvalidInternalToken);
    await expect(verify('not-a-jwt')).rejects.toBeInstanceOf(InvalidInternalToken);
  });
});

describe('internal token key rotation', () => {
  const header = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as { kid?: string };

  it('names its key by the RFC 7638 thumbprint, the same from either half', async () => {
    const keys = await generateInternalKeyPair();
    const kid = await internalKeyId(keys.publicKeyPem);
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await internalKeyId(keys.privateKeyPem)).toBe(kid);
    expect(header(await (await internalTokenSigner(keys.privateKeyPem))(principal)).kid).toBe(kid);
  });

  it('accepts tokens from the current and the previous key during the window, and neither after', async () => {
    const previous = await generateInternalKeyPair();
    const current = await generateInternalKeyPair();
    const both = await internalTokenVerifier(`${previous.publicKeyPem}${current.publicKeyPem}`);
    const fromPrevious = await (await internalTokenSigner(previous.privateKeyPem))(principal);
    const fromCurrent = await (await internalTokenSigner(current.privateKeyPem))(principal);
    expect(await both(fromPrevious)).toEqual(principal);
    expect(await both(fromCurrent)).toEqual(principal);
    const retired = await internalTokenVerifier(current.publicKeyPem);
    await expect(retired(fromPrevious)).rejects.toBeInstanceOf(InvalidInternalToken);
    expect(await retired(fromCurrent)).toEqual(principal);
  });

  it('takes a token without kid (an earlier gateway) from a ring of one key only', async () => {
    const keys = await generateInternalKeyPair();
    const other = await generateInternalKeyPair();
    const legacy = await new SignJWT({ prn: principal })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('renkei-gateway')
      .setAudience('renkei-subgraphs')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(await importPKCS8(keys.privateKeyPem, 'EdDSA'));
    expect(await (await internalTokenVerifier(keys.publicKeyPem))(legacy)).toEqual(principal);
    const ring = await internalTokenVerifier(`${keys.publicKeyPem}${other.publicKeyPem}`);
    await expect(ring(legacy)).rejects.toBeInstanceOf(InvalidInternalToken);
  });

  it('refuses a key file with no key, three keys, or something else', async () => {
    const [a, b, c] = await Promise.all([
      generateInternalKeyPair(),
      generateInternalKeyPair(),
      generateInternalKeyPair(),
    ]);
    await expect(internalKeyRing('')).rejects.toThrow(/no public key/);
    await expect(internalKeyRing(a.publicKeyPem + b.publicKeyPem + c.publicKeyPem)).rejects.toThrow(/at most 2/);
    await expect(internalKeyRing(a.publicKeyPem + a.publicKeyPem)).rejects.toThrow(/twice/);
    await expect(
      internalKeyRing('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
    ).rejects.toBeInstanceOf(InvalidInternalKeys);
  });
});
