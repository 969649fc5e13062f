import { SignJWT, importPKCS8 } from 'jose';
import {
  generateInternalKeyPair,
  internalTokenSigner,
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
