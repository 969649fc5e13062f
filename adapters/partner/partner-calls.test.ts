import { generateExchangeKey } from '../../lib/exchange/exchange-key';
import { memoryPartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import type { ExchangePartner, PartnerTransport } from '../../subgraphs/identity';
import { clientFor, defaultPartnerCallTimings, pollDelay, type PartnerCallSettings } from './partner-calls';
import { PartnerCallError } from './partner-client';

const partner = (overrides: Partial<ExchangePartner> = {}): ExchangePartner => ({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'partner',
  fhirBaseUrl: 'https://partner.example/fhir',
  requesterSystem: 'https://partner.example/requests',
  userSystem: 'https://partner.example/users',
  jwks: { keys: [] },
  certificateFingerprints: [],
  jwksUrl: null,
  caCertificates: [],
  inboundAuth: 'CONTRACT_JWT',
  outboundAuth: 'JWT',
  ourClientId: 'renkei',
  consentInJoin: 'OPTIONAL',
  subscribeAtPartner: true,
  ...overrides,
});

describe('clientFor: whether the registry lets us call a partner', () => {
  const settings = async (transport: () => Promise<PartnerTransport | null>): Promise<PartnerCallSettings> => ({
    exchange: { key: await generateExchangeKey(), fhirBaseUrl: 'https://us.example/fhir' },
    trustedCaPems: [],
    transport,
    vault: memoryPartnerKeyVault(),
    ...defaultPartnerCallTimings,
  });
  const refusal = async (p: ExchangePartner, transport: () => Promise<PartnerTransport | null>) => {
    const error = await clientFor(p, await settings(transport)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PartnerCallError);
    return error as PartnerCallError;
  };

  it('an MTLS partner without a client certificate is NOT_CONFIGURED (retried), naming the fix', async () => {
    const error = await refusal(partner({ outboundAuth: 'MTLS', ourClientId: null }), async () => ({ caPems: [] }));
    expect(error).toMatchObject({ code: 'NOT_CONFIGURED', retryable: true });
    expect(error.message).toMatch(/renewPartnerClientCertificate/);
  });

  it('a key that will not open, a partner gone meanwhile, a JWT partner without our client id: NOT_CONFIGURED, retried', async () => {
    const unopenable = await refusal(partner({ outboundAuth: 'MTLS' }), () =>
      Promise.reject(new Error('sealed with another key-encryption key')),
    );
    expect(unopenable).toMatchObject({ code: 'NOT_CONFIGURED', retryable: true });
    expect(unopenable.message).toMatch(/partner-keys\.kek/);
    expect(await refusal(partner(), async () => null)).toMatchObject({ code: 'NOT_CONFIGURED', retryable: true });
    expect((await refusal(partner({ ourClientId: null }), async () => ({ caPems: [] }))).message).toMatch(
      /ourClientId/,
    );
  });

  it('an MTLS partner needs no client id of ours (no JWT is signed)', async () => {
    const transport: PartnerTransport = {
      caPems: [],
      clientCertificate: { certPem: 'cert', keyPem: 'key', fingerprint: 'f'.repeat(64), notAfter: new Date() },
    };
    await expect(
      clientFor(partner({ outboundAuth: 'MTLS', ourClientId: null }), await settings(async () => transport)),
    ).resolves.toBeDefined();
  });
});

describe('pollDelay', () => {
  const settings = {
    poll: { firstDelayMs: 30_000, maxDelayMs: 6 * 3_600_000 },
    push: { subscribedPollDelayMs: 3_600_000 },
  };

  it('doubles from the first wait up to the cap', () => {
    expect([0, 1, 2, 20].map((polls) => pollDelay(settings, polls))).toEqual([30_000, 60_000, 120_000, 6 * 3_600_000]);
  });

  it('waits at least the subscribed delay while our subscription at the partner is active (push brings the change)', () => {
    expect(pollDelay(settings, 0, true)).toBe(3_600_000);
    expect(pollDelay(settings, 20, true)).toBe(6 * 3_600_000);
  });
});
