import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { RotationRefused } from '../access/key-rotation-files';
import { ed25519KeysOf, jwksOf, openExchangeKeys, signPartnerJwt, type ExchangeIdentity } from './exchange-key';
import { rotateExchangeKeys } from './exchange-key-rotation';

describe('rotating the exchange keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-exchange-rotate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const identity = async (): Promise<ExchangeIdentity> => ({
    ...(await openExchangeKeys(dir)),
    fhirBaseUrl: 'https://renkei.example/fhir',
  });
  const claims = { clientId: 'renkei', audience: 'https://partner.example/fhir' };
  const verifies = async (jwks: ReturnType<typeof jwksOf>, token: string) =>
    jwtVerify(token, createLocalJWKSet(jwks), { audience: claims.audience }).then(
      () => true,
      () => false,
    );

  it('publishes the next keys before they sign and the previous ones until they are retired', async () => {
    const first = await identity();
    const before = await signPartnerJwt(first.key, claims);
    expect(jwksOf(first).keys).toHaveLength(2);

    const staged = await rotateExchangeKeys('add', dir);
    const added = await identity();
    expect(added.key.keyId).toBe(first.key.keyId); // the current key still signs
    expect(staged.signing).toEqual([first.key.keyId, first.assertionKey?.keyId]);
    expect(jwksOf(added).keys).toHaveLength(4);
    expect(
      jwksOf(added)
        .keys.map((k) => k.alg)
        .sort(),
    ).toEqual(['ES384', 'ES384', 'EdDSA', 'EdDSA']);

    await rotateExchangeKeys('promote', dir);
    const promoted = await identity();
    expect(promoted.key.keyId).toBe(staged.publishedOnly[0]);
    const after = await signPartnerJwt(promoted.key, claims);
    expect(await verifies(jwksOf(promoted), before)).toBe(true);
    expect(await verifies(jwksOf(promoted), after)).toBe(true);
    // Subscriptions made with the previous key keep their secret during the window.
    expect(ed25519KeysOf(promoted)).toHaveLength(2);

    await expect(rotateExchangeKeys('retire', dir)).rejects.toBeInstanceOf(RotationRefused);
    await rotateExchangeKeys('retire', dir, new Date(Date.now() + 181_000));
    const retired = await identity();
    expect(jwksOf(retired).keys).toHaveLength(2);
    expect(await verifies(jwksOf(retired), before)).toBe(false);
    expect(await verifies(jwksOf(retired), after)).toBe(true);
    expect(ed25519KeysOf(retired)).toHaveLength(1);
  });

  it("mirrors every step into the worker's copy of CA_DIR, deletions included", async () => {
    const copy = path.join(dir, 'exchange-copy');
    await openExchangeKeys(dir);
    const copied = () => fs.readdirSync(copy).sort();
    await rotateExchangeKeys('add', dir, new Date(), copy);
    expect(copied()).toEqual([
      'exchange-ed25519.key',
      'exchange-ed25519.next.key',
      'exchange-es384.key',
      'exchange-es384.next.key',
    ]);
    await rotateExchangeKeys('promote', dir, new Date(), copy);
    expect(copied()).toEqual([
      'exchange-ed25519.key',
      'exchange-ed25519.previous.key',
      'exchange-es384.key',
      'exchange-es384.previous.key',
    ]);
    await rotateExchangeKeys('retire', dir, new Date(Date.now() + 181_000), copy);
    expect(copied()).toEqual(['exchange-ed25519.key', 'exchange-es384.key']);
    expect(jwksOf(await openExchangeKeys(copy))).toEqual(jwksOf(await openExchangeKeys(dir)));
  });

  it('refuses steps out of order, naming the key file', async () => {
    await openExchangeKeys(dir);
    await expect(rotateExchangeKeys('promote', dir)).rejects.toThrow(/exchange-ed25519.key: no next key/);
    await rotateExchangeKeys('add', dir);
    await expect(rotateExchangeKeys('add', dir)).rejects.toThrow(/already staged/);
  });
});
