// A partner's JWKS URL as our FHIR endpoint reads it (adapters/fhir/partner-keys.ts),
// against a real HTTPS server behind the partner's private CA: fetched with
// that CA, cached, fetched again when a JWT names a kid the cached set lacks
// (key rotation), but no more often than the cooldown allows.
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { partnerKeys } from '../../adapters/fhir/partner-keys';
import { partnerCertificateAuthority } from '../support/mock-partner-fixtures';
import { smartKey, startJwksServer, type JwksServer, type SmartKey } from '../support/smart-partner';

describe("a partner's JWKS URL", () => {
  let ca: Awaited<ReturnType<typeof partnerCertificateAuthority>>;
  let server: JwksServer;
  let first: SmartKey;

  beforeAll(async () => {
    ca = await partnerCertificateAuthority();
    first = await smartKey();
    server = await startJwksServer(ca.tls, [first.publicJwk]);
  });
  afterAll(async () => {
    await server.stop();
    ca.remove();
  });

  const sign = (key: SmartKey) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: key.kid })
      .setIssuer('p')
      .setExpirationTime('2m')
      .setJti(randomUUID())
      .sign(key.privateKey);
  const partner = (id: string, caCertificates = [ca.ca.caCertificatePem]) => ({
    id,
    jwks: { keys: [] },
    jwksUrl: server.url,
    caCertificates,
  });

  it('is fetched with the partner CA, cached, refetched for a new kid once the cooldown has passed', async () => {
    const keys = partnerKeys({ cooldownMs: 300 });
    const p = partner('a');
    server.fetches = 0;
    await jwtVerify(await sign(first), keys.keysOf(p));
    await jwtVerify(await sign(first), keys.keysOf(p));
    expect(server.fetches).toBe(1);

    // The partner rotates its key: within the cooldown an unknown kid is refused without a fetch...
    const second = await smartKey();
    server.keys = [second.publicJwk];
    await expect(jwtVerify(await sign(second), keys.keysOf(p))).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    expect(server.fetches).toBe(1);
    // ...after it, the unknown kid makes one fetch, and the new key verifies.
    await new Promise((resolve) => setTimeout(resolve, 350));
    await jwtVerify(await sign(second), keys.keysOf(p));
    expect(server.fetches).toBe(2);
  });

  it('trusts only the partner CA (or the default CAs): another CA fails the fetch', async () => {
    const other = await partnerCertificateAuthority();
    try {
      const keys = partnerKeys({ defaultCaPems: [other.ca.caCertificatePem] });
      await expect(jwtVerify(await sign(first), keys.keysOf(partner('b', [])))).rejects.toThrow();
      await expect(
        jwtVerify(await sign(first), keys.keysOf(partner('c', [other.ca.caCertificatePem]))),
      ).rejects.toThrow();
      // The default CAs serve a partner without its own.
      const viaDefault = partnerKeys({ defaultCaPems: [ca.ca.caCertificatePem] });
      server.keys = [first.publicJwk];
      await jwtVerify(await sign(first), viaDefault.keysOf(partner('d', [])));
    } finally {
      other.remove();
    }
  });
});
