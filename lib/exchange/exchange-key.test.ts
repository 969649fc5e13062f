import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { exchangeKeyFileName, generateExchangeKey, jwksOf, openExchangeKey, signPartnerJwt } from './exchange-key';

describe('the exchange key', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-exchange-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is created once in its directory (0600) and the same key is opened again', async () => {
    const dir = tempDir();
    const first = await openExchangeKey(dir);
    const again = await openExchangeKey(dir);
    expect(again.publicJwk).toEqual(first.publicJwk);
    expect(fs.statSync(path.join(dir, exchangeKeyFileName)).mode & 0o777).toBe(0o600);
    expect(first.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: first.keyId });
    expect(first.publicJwk).not.toHaveProperty('d');
  });

  it('refuses a damaged key file instead of replacing it', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, exchangeKeyFileName), 'not a key');
    await expect(openExchangeKey(dir)).rejects.toThrow(/cannot be read/);
  });

  it('signs contract JWTs a partner verifies with our published JWK set', async () => {
    const key = await generateExchangeKey();
    const token = await signPartnerJwt(key, {
      clientId: 'c3b4a9f0-1111-4222-8333-444455556666',
      audience: 'https://partner.example/fhir',
    });
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwksOf({ key })), {
      audience: 'https://partner.example/fhir',
      issuer: 'c3b4a9f0-1111-4222-8333-444455556666',
    });
    expect(payload.sub).toBe(payload.iss);
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(300);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: key.keyId });
    const other = await signPartnerJwt(key, { clientId: 'x', audience: 'y' });
    expect(JSON.parse(Buffer.from(other.split('.')[1]!, 'base64url').toString()).jti).not.toBe(payload.jti);
  });

  it('never signs a lifetime beyond the contract limit', async () => {
    const key = await generateExchangeKey();
    const token = await signPartnerJwt(key, { clientId: 'x', audience: 'y', lifetimeSeconds: 3600 });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload.exp - payload.iat).toBe(300);
  });
});
