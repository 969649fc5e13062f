// PERSISTED_OPERATIONS through the real gateway, in each mode: off (any
// operation; ids are not registered by clients), log (any operation, unknown
// ones logged by hash and name only) and enforce (only the manifest's, by
// full text or by id alone).
import { createLogger } from '../../lib/logger';
import { operationId, persistedOperationsFrom } from '../../gateway/persisted-operations';
import { actorWithRole, type Actor } from '../support/actors';
import { graphql } from '../support/graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';

const signIn = 'mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }'; // test/support/actors.ts
const me = 'query Me { me { user { id } } }';
const unlisted = 'query Secret { me { user { id name } } }';
const manifest = {
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: [
    { id: operationId(signIn), name: 'SignIn', type: 'mutation', body: signIn },
    { id: operationId(me), name: 'Me', type: 'query', body: me },
  ],
};

const byId = (t: TestSystem, actor: Actor, id: string) =>
  fetch(t.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...actor.headers },
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } }),
  }).then(
    async (r) =>
      ({ status: r.status, ...((await r.json()) as object) }) as {
        status: number;
        data?: any;
        errors?: Array<{ extensions: { code: string } }>;
      },
  );

describe('PERSISTED_OPERATIONS=off (default)', () => {
  let t: TestSystem;
  let actor: Actor;
  beforeAll(async () => {
    t = await startTestSystem();
    actor = await actorWithRole(t, 'USER');
  }, 60_000);
  afterAll(async () => t?.stop());

  it('runs any operation, and an id alone is not found (clients cannot register operations)', async () => {
    expect((await graphql(t.graphqlUrl, unlisted, {}, actor.headers)).data?.me.user.id).toBe(actor.userId);
    const response = await byId(t, actor, operationId(me));
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('PERSISTED_OPERATIONS=log', () => {
  const lines: string[] = [];
  let t: TestSystem;
  let actor: Actor;
  beforeAll(async () => {
    t = await startTestSystem({
      logger: createLogger('info', 'renkei-test', { write: (line: string) => void lines.push(line) }),
      gatewayProtection: { persistedOperations: persistedOperationsFrom('log', manifest) },
    });
    actor = await actorWithRole(t, 'USER');
  }, 60_000);
  afterAll(async () => t?.stop());

  it('runs an unknown operation and logs its hash and name, never its text', async () => {
    const before = lines.length;
    expect((await graphql(t.graphqlUrl, unlisted, {}, actor.headers)).data?.me.user.id).toBe(actor.userId);
    const logged = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const entry = logged.find((l) => l.msg === 'operation not in the persisted operations manifest');
    expect(entry).toMatchObject({ operationHash: operationId(unlisted) });
    expect(JSON.stringify(logged)).not.toContain('name } }');
  });

  it('runs listed operations without logging them, by text or by id', async () => {
    const before = lines.length;
    expect((await graphql(t.graphqlUrl, me, {}, actor.headers)).data?.me.user.id).toBe(actor.userId);
    expect((await byId(t, actor, operationId(me))).data?.me.user.id).toBe(actor.userId);
    expect(lines.slice(before).join('')).not.toContain('persisted operations manifest');
  });
});

describe('PERSISTED_OPERATIONS=enforce', () => {
  let t: TestSystem;
  let actor: Actor;
  beforeAll(async () => {
    t = await startTestSystem({
      gatewayProtection: { persistedOperations: persistedOperationsFrom('enforce', manifest) },
    });
    actor = await actorWithRole(t, 'USER'); // its sign-in is in the manifest
  }, 60_000);
  afterAll(async () => t?.stop());

  it('runs the manifest operations, by full text or by id alone', async () => {
    expect((await graphql(t.graphqlUrl, me, {}, actor.headers)).data?.me.user.id).toBe(actor.userId);
    expect((await byId(t, actor, operationId(me))).data?.me.user.id).toBe(actor.userId);
  });

  it('refuses any other operation with PERSISTED_QUERY_NOT_IN_LIST, and an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    const refused = await graphql(t.graphqlUrl, unlisted, {}, actor.headers);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(refused.data).toBeUndefined();
    const unknown = await byId(t, actor, operationId(unlisted));
    expect(unknown.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
