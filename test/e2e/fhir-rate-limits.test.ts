// Abuse limits at the partner endpoint (/fhir), counted in Redis: token
// requests per client address, counted before the assertion is read, and
// authenticated requests per partner, so one partner polling in a tight loop
// is slowed without touching another. Each refusal is a 429 with
// Retry-After, in OAuth's shape at the token endpoint and as an
// OperationOutcome (`throttled`) elsewhere, and the log names the limit and
// the partner, nothing else.
import { actorWithRole } from '../support/actors';
import { captureLogger, type CapturedLog } from '../support/capture-logger';
import { partnerJwt, registerSimulatedPartner, type SimulatedPartner } from '../support/simulated-partner';
import { assertionForm, requestToken } from '../support/smart-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';

const tokenLimit = 3;
const partnerLimit = 4;

describe('rate limits at the partner endpoint', () => {
  let t: TestSystem;
  let log: CapturedLog;
  let base: string;
  let busy: SimulatedPartner;
  let quiet: SimulatedPartner;

  beforeAll(async () => {
    log = captureLogger();
    t = await startTestSystem({
      workers: false,
      logger: log.logger,
      gatewayProtection: {
        rateLimits: {
          sessionPerMinute: 0,
          certificatePerMinute: 0,
          signInPerMinute: 0,
          partnerTokenPerMinute: tokenLimit,
          partnerPerMinute: partnerLimit,
        },
      },
    });
    const sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    base = t.system.exchange.fhirBaseUrl;
    busy = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
    quiet = await registerSimulatedPartner(t, sa, '射水市多職種ネット', 'imizu.example');
  });
  afterAll(() => t?.stop());

  const searchAs = async (partner: SimulatedPartner) =>
    fetch(`${base}/Task?identifier=${encodeURIComponent(`${partner.requesterSystem}|none`)}`, {
      headers: { authorization: `Bearer ${await partnerJwt(partner, base)}` },
    });

  it('counts token requests per address before reading them: the next one is a 429 in OAuth shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < tokenLimit; i += 1) {
      statuses.push((await requestToken(`${base}/token`, assertionForm('not-a-jwt'))).status);
    }
    expect(statuses).toEqual(Array.from({ length: tokenLimit }, () => 401));
    const refused = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(assertionForm('not-a-jwt')).toString(),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(await refused.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Too many token requests from this address: try again after Retry-After seconds.',
    });
  });

  it("slows a partner polling in a loop without touching another partner's requests", async () => {
    for (let i = 0; i < partnerLimit; i += 1) {
      const answer = await searchAs(busy);
      expect(answer.status).toBe(200);
      await answer.text();
    }
    const refused = await searchAs(busy);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const outcome = (await refused.json()) as { resourceType: string; issue: Array<Record<string, any>> };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({
      severity: 'error',
      code: 'throttled',
      details: { coding: [{ system: 'urn:renkei:fhir-error', code: 'RATE_LIMITED' }] },
    });

    const other = await searchAs(quiet);
    expect(other.status).toBe(200);
    await other.text();

    const logged = log.lines.filter((line) => line.msg === 'fhir: request refused: rate limit');
    // One line per refusal, naming the limit and (once authenticated) the partner: the token one first.
    expect(logged).toEqual([
      expect.objectContaining({ limit: 'tokenAddress', retryAfterSeconds: expect.any(Number) }),
      expect.objectContaining({ partner: busy.id, limit: 'partner', retryAfterSeconds: expect.any(Number) }),
    ]);
    expect(logged[0]).not.toHaveProperty('partner');
  });
});
