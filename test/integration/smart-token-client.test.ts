// Our SMART Backend Services token source (adapters/partner/smart-token-client.ts)
// against a partner's real HTTPS authorization server (the test's, behind its
// private CA): calls that need a token at the same moment share one token
// request; a token is reused until its renewal time; a refused token is
// dropped and only that one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateAssertionKey, type ExchangeKey } from '../../lib/exchange/exchange-key';
import { clearSmartTokens, smartTokens } from '../../adapters/partner/smart-token-client';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import { partnerCertificateAuthority } from '../support/mock-partner-fixtures';
import { smartTokenServer, type SmartTokenServer } from '../support/smart-token-server';

describe('smartTokens: one token per partner at a time', () => {
  let ca: Awaited<ReturnType<typeof partnerCertificateAuthority>>;
  let ours: http.Server;
  let key: ExchangeKey;
  let smart: SmartTokenServer;
  let partner: MockPartner;
  let clock = Date.now();

  beforeAll(async () => {
    key = await generateAssertionKey();
    // Our JWKS URL, as the partner registered it.
    ours = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [key.publicJwk] }));
    });
    await new Promise<void>((resolve) => ours.listen(0, '127.0.0.1', resolve));
    ca = await partnerCertificateAuthority();
    smart = smartTokenServer({
      clientId: 'renkei',
      ourJwksUrl: `http://127.0.0.1:${(ours.address() as AddressInfo).port}/jwks.json`,
    });
    partner = await startMockPartner({ tls: ca.tls, ourJwk: key.publicJwk, ourClientId: 'renkei', smart });
  });
  afterAll(async () => {
    await partner.stop();
    ours.closeAllConnections();
    await new Promise((resolve) => ours.close(resolve));
    ca.remove();
  });
  beforeEach(() => clearSmartTokens());

  const source = () =>
    smartTokens({
      partnerId: 'partner-1',
      fhirBaseUrl: partner.url,
      clientId: 'renkei',
      assertionKey: key,
      trustedCaPems: [ca.ca.caCertificatePem],
      timeoutMs: 2_000,
      now: () => clock,
    });

  it('ten calls at once: one discovery, one token request, one token', async () => {
    const before = { tokens: smart.tokenRequests.length, discoveries: smart.discoveries };
    const tokens = await Promise.all(Array.from({ length: 10 }, () => source().token()));
    expect(new Set(tokens).size).toBe(1);
    expect(smart.tokenRequests.length - before.tokens).toBe(1);
    expect(smart.discoveries - before.discoveries).toBe(1);
  });

  it('reuses the token until its renewal time (4 of its 5 minutes), then gets a new one', async () => {
    clock = Date.now();
    const first = await source().token();
    clock += 239_000;
    expect(await source().token()).toBe(first);
    clock += 2_000;
    expect(await source().token()).not.toBe(first);
    clock = Date.now();
  });

  it('drops only the token refused: a newer one stays', async () => {
    const tokens = source();
    const first = await tokens.token();
    tokens.invalidate(first);
    const second = await tokens.token();
    expect(second).not.toBe(first);
    tokens.invalidate(first);
    expect(await tokens.token()).toBe(second);
  });

  it('an untrusted partner certificate fails as TLS, before any assertion is sent', async () => {
    const other = await partnerCertificateAuthority();
    try {
      const before = smart.tokenRequests.length;
      const untrusted = smartTokens({
        partnerId: 'partner-2',
        fhirBaseUrl: partner.url,
        clientId: 'renkei',
        assertionKey: key,
        trustedCaPems: [other.ca.caCertificatePem],
        timeoutMs: 2_000,
      });
      await expect(untrusted.token()).rejects.toMatchObject({ code: 'TLS', operation: 'smart-discovery' });
      expect(smart.tokenRequests.length).toBe(before);
    } finally {
      other.remove();
    }
  });
});
