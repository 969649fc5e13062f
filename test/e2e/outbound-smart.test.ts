// Art. 20-3 outbound joins to a partner that requires SMART App Launch 2.x
// Backend Services tokens (issue 17, the requester side), end to end on the
// real gateway, PostgreSQL, Redis and workers. The partner (mock-partner.ts
// with smart-token-server.ts, behind its own private CA) publishes its
// smart-configuration, verifies our client assertions with the keys at our
// JWKS URL and accepts only the access tokens it issued. The worker
// discovers its token endpoint, gets one token and uses it for every call
// until shortly before it expires; when the partner expires a token early
// (mid-exchange) the worker drops it and retries the call once with a new one.
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { clearSmartTokens } from '../../adapters/partner/smart-token-client';
import { captureLogger, type CapturedLog } from '../support/capture-logger';
import { eventually } from '../support/eventually';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import { approvedRequest, ourClientId } from '../support/mock-partner-fixtures';
import { startOutboundTestbed, type OutboundTestbed } from '../support/outbound-testbed';
import { smartTokenServer, type SmartTokenServer } from '../support/smart-token-server';
import type { TestSystem } from '../support/test-system';

describe('outbound joins to a SMART Backend Services partner', () => {
  let t: TestSystem;
  let partner: MockPartner;
  let smart: SmartTokenServer;
  let partnerId: string;
  let bed: OutboundTestbed<MockPartner>;
  let log: CapturedLog;
  const request = (id: string) => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } });
  const until = (id: string, check: (r: Awaited<ReturnType<typeof request>>) => boolean, ms = 20_000) =>
    eventually(() => request(id), check, ms);
  let counter = 0;
  const shareCode = () => `smart-share-${Date.now().toString(36)}-${(counter += 1)}`;

  beforeAll(async () => {
    log = captureLogger();
    bed = await startOutboundTestbed({
      partner: (tls, _ca, system) => {
        smart = smartTokenServer({
          clientId: ourClientId,
          // The partner registered our JWKS URL: it fetches our public keys from there.
          ourJwksUrl: `${system.system.exchange.fhirBaseUrl}/.well-known/jwks.json`,
        });
        return startMockPartner({ tls, ourJwk: system.system.exchange.key.publicJwk, ourClientId, smart });
      },
      partnerCalls: { timeoutMs: 2_000, poll: { firstDelayMs: 150, maxDelayMs: 300 }, syncStaleMs: 60_000 },
      retry: { attempts: 4, baseDelayMs: 200, maxDelayMs: 600 },
      logger: log.logger,
    });
    ({ t, partner, partnerId } = bed);
    // Registered as the system admin's updatePartner would store it.
    await t.db.prisma.partner.update({ where: { id: partnerId }, data: { outboundAuth: 'SMART_BACKEND' } });
  });

  afterAll(() => bed.stop());

  beforeEach(() => {
    clearSmartTokens();
    smart.settings.expiresIn = 300;
    smart.settings.refuse = undefined;
  });

  /** Sends a join and waits for the partner to hold our Task. */
  async function sentJoin() {
    const id = await approvedRequest(t.graphqlUrl, bed.actors, partnerId, shareCode());
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    return id;
  }

  /** The partner completes our Task with a CareTeam our user is in. */
  function completeAtPartner(id: string) {
    const systems = ourIdentifierSystems(t.system.exchange.fhirBaseUrl);
    partner.careTeams.set(`team-${id}`, {
      status: 'active',
      participants: [{ system: systems.user, value: bed.actors.user.userId, display: 'USER' }],
    });
    const task = partner.taskFor(id)!;
    task.status = 'completed';
    task.careTeamId = `team-${id}`;
  }

  it('discovers the token endpoint, gets one token with the scopes it needs, and completes the join with it', async () => {
    const tokensBefore = smart.tokenRequests.length;
    const id = await sentJoin();
    completeAtPartner(id);
    const done = await until(id, (r) => r.exchangeStatus === 'COMPLETED');
    expect(done.lastFailureCode).toBeNull();
    const requests = smart.tokenRequests.slice(tokensBefore);
    expect(requests).toEqual([{ scope: 'system/Task.crus system/CareTeam.r', status: 200, jti: expect.any(String) }]);
    // The POST and every poll carried that one token; no direct JWT was ever sent.
    const [token] = [...smart.uses.keys()].slice(-1);
    expect(smart.uses.get(token!)).toBeGreaterThanOrEqual(2);
    expect(partner.tokens).toEqual([]);
    expect(smart.refusedTokens).toBe(0);
  }, 60_000);

  it('a token that expires mid-exchange: the 401 drops it, the call is made once more with a new token, the join completes', async () => {
    const id = await sentJoin();
    const tokensBefore = smart.tokenRequests.length;
    const refusedBefore = smart.refusedTokens;
    const mark = log.lines.length;
    // The partner expires every live token early (it restarted, or revoked them) before our next poll.
    smart.expireAll();
    completeAtPartner(id);
    const done = await until(id, (r) => r.exchangeStatus === 'COMPLETED');
    expect(smart.refusedTokens - refusedBefore).toBe(1);
    expect(smart.tokenRequests.slice(tokensBefore).map((r) => r.status)).toEqual([200]);
    // Not a failure: nothing recorded against the request.
    expect(done.lastFailureCode).toBeNull();
    await log.waitFor((l) => l.msg === 'partner refused our access token: getting a new one', mark);
    expect(JSON.stringify(log.lines)).not.toMatch(/"access_token"|client_assertion/);
  }, 60_000);

  it('renews a short-lived token before it expires: never presents an expired one', async () => {
    smart.settings.expiresIn = 2;
    const refusedBefore = smart.refusedTokens;
    const tokensBefore = smart.tokenRequests.length;
    const id = await sentJoin();
    // Let several polls pass the 2-second lifetime before the partner decides.
    await eventually(
      async () => smart.tokenRequests.length - tokensBefore,
      (n) => n >= 3,
      15_000,
    );
    completeAtPartner(id);
    await until(id, (r) => r.exchangeStatus === 'COMPLETED');
    expect(smart.refusedTokens).toBe(refusedBefore);
  }, 60_000);

  it('three joins sent one after another reuse one token (one token request per partner, not per call)', async () => {
    const tokensBefore = smart.tokenRequests.length;
    const ids = await Promise.all(
      [0, 1, 2].map(() => approvedRequest(t.graphqlUrl, bed.actors, partnerId, shareCode())),
    );
    await Promise.all(ids.map((id) => until(id, (r) => r.exchangeStatus === 'RECEIVED')));
    expect(smart.tokenRequests.length - tokensBefore).toBe(1);
  }, 60_000);

  it('a token endpoint refusing our assertion: TOKEN_REFUSED on the request, nothing sent, retried', async () => {
    smart.settings.refuse = 'invalid_client';
    const postsBefore = partner.posts.length;
    const id = await approvedRequest(t.graphqlUrl, bed.actors, partnerId, shareCode());
    const failed = await until(id, (r) => r.lastFailureCode === 'TOKEN_REFUSED');
    expect(failed.exchangeStatus).not.toBe('RECEIVED');
    expect(partner.posts.length).toBe(postsBefore);
    // Fixed at the partner: the retry gets a token and sends.
    smart.settings.refuse = undefined;
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
  }, 60_000);
});
