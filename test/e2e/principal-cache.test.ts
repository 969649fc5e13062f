// Two gateway replicas in front of one identity and one Redis: each reuses a
// resolved principal for at most a second, and only while identity's
// principal epoch stands. What identity changes (a suspension, a sign-out)
// takes effect on the next request through the other replica; what it does
// not see (a session ended in the database by hand) within the second.
import { createGatewayServer } from '../../gateway/server';
import { createPrincipalResolver, type Resolution } from '../../gateway/principal-resolver';
import { createPrincipalCache, maxPrincipalCacheMs, type PrincipalCache } from '../../gateway/principal-cache';
import { readSupergraph } from '../../gateway/supergraph-file';
import { internalTokenSigner } from '../../lib/access/internal-token';
import { redisPrincipalEpoch } from '../../lib/access/principal-epoch';
import { listen, type RunningServer } from '../../lib/http-server';
import { resolvePrincipalPath } from '../../subgraphs/identity/internal-routes';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { documents as d } from '../support/identity-fixtures';
import { silentLogger } from '../support/silent-logger';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('principals reused by two gateway replicas, and the bound on it', () => {
  let t: TestSystem;
  let second: RunningServer;
  let secondStop: () => Promise<void>;
  let cache: PrincipalCache<Resolution>;
  let sa: Actor;
  const me = '{ me { user { id } } }';
  const viaSecond = (actor: Actor) => graphql(`${second.url}/graphql`, me, {}, actor.headers);

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    const sign = await internalTokenSigner(t.internalKeys.privateKeyPem);
    const identity = t.system.subgraphs.identity.url;
    cache = createPrincipalCache({ epoch: redisPrincipalEpoch(t.redis, t.queuePrefix), ttlMs: maxPrincipalCacheMs });
    const gateway = await createGatewayServer({
      supergraphSdl: readSupergraph(),
      subgraphUrls: {
        identity: `${identity}/graphql`,
        rooms: `${t.system.subgraphs.rooms.url}/graphql`,
        consent: `${t.system.subgraphs.consent.url}/graphql`,
      },
      subgraphTimeoutMs: 5_000,
      pingRedis: () => t.redis.ping(),
      resolvePrincipal: createPrincipalResolver({
        mode: 'off',
        certificates: null,
        identityResolveUrl: `${identity}${resolvePrincipalPath}`,
        sign,
        timeoutMs: 5_000,
        cache,
      }),
      sign,
      logger: silentLogger,
    });
    second = await listen(gateway.app, '127.0.0.1', 0, 'the second gateway');
    secondStop = async () => {
      await second.close();
      await gateway.stop();
    };
  });
  afterAll(async () => {
    await secondStop?.();
    await t?.stop();
  });

  it('asks identity once for a quick run of requests by one session', async () => {
    const user = await actorWithRole(t, 'USER');
    const before = cache.stats();
    for (let i = 0; i < 5; i += 1) expect((await viaSecond(user)).data).toEqual({ me: { user: { id: user.userId } } });
    const after = cache.stats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(4);
  });

  it('refuses a user suspended through the other replica on the very next request', async () => {
    const user = await actorWithRole(t, 'USER');
    expect((await viaSecond(user)).data).toEqual({ me: { user: { id: user.userId } } });
    const suspended = await graphql(t.graphqlUrl, d.suspendUser, { u: user.userId, reason: '調査のため' }, sa.headers);
    expect(suspended.errors).toBeUndefined();
    const next = await viaSecond(user);
    expect(errorCodes(next)).toEqual(['UNAUTHENTICATED']);
    expect(next.data ?? null).toBeNull();
  });

  it('ends a session signed out through the other replica on the very next request', async () => {
    const user = await actorWithRole(t, 'USER');
    expect((await viaSecond(user)).data).toEqual({ me: { user: { id: user.userId } } });
    const signedOut = await graphql(t.graphqlUrl, 'mutation { signOut }', {}, user.headers);
    expect(signedOut.data).toEqual({ signOut: true });
    expect(errorCodes(await viaSecond(user))).toEqual(['UNAUTHENTICATED']);
  });

  it('within a second, also for a change identity does not make (a session ended in the database)', async () => {
    const user = await actorWithRole(t, 'USER');
    expect((await viaSecond(user)).data).toEqual({ me: { user: { id: user.userId } } });
    const ended = Date.now();
    await t.db.prisma.session.updateMany({
      where: { userId: user.userId, endedAt: null },
      data: { endedAt: new Date(), endReason: 'ended-by-hand' },
    });
    let refusedAfter: number | null = null;
    while (refusedAfter === null && Date.now() - ended < 5_000) {
      const answer = await viaSecond(user);
      if (errorCodes(answer).includes('UNAUTHENTICATED')) refusedAfter = Date.now() - ended;
      else expect(answer.data).toEqual({ me: { user: { id: user.userId } } });
    }
    // The cache's second, plus one request's time on a busy machine.
    expect(refusedAfter).not.toBeNull();
    expect(refusedAfter!).toBeLessThan(maxPrincipalCacheMs + 1_000);
  });
});
