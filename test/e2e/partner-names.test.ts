// Partners' names (Query.partnerNames) through the real gateway: every
// signed-in role reads the active partners' ids and names (and, when asked,
// the suspended ones, marked inactive), and nothing else of the registry can
// be asked through it; an anonymous caller and a partner presenting its own
// token are refused, while the registry itself stays the system admin's.
import { actorWithRole, type Actor } from '../support/actors';
import { as, firstError } from '../support/identity-fixtures';
import { graphql } from '../support/graphql-client';
import { partnerJwt, registerSimulatedPartner, type SimulatedPartner } from '../support/simulated-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { roles } from '../../lib/access/principal';

const d = {
  names: `query($all: Boolean) { partnerNames(includeSuspended: $all) { id name active } }`,
  suspend: `mutation($id: ID!, $reason: String!) { suspendPartner(id: $id, reason: $reason) { id status } }`,
  partners: `{ partners { id name fhirBaseUrl } }`,
};

describe("partners' names", () => {
  let t: TestSystem;
  let sa: Actor;
  let active: SimulatedPartner;
  let suspended: SimulatedPartner;

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    active = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
    suspended = await registerSimulatedPartner(t, sa, '射水市連携ネット', 'imizu.example');
    const done = await as(t, sa)(d.suspend, { id: suspended.id, reason: '協定の更新待ち' });
    expect(done.errors).toBeUndefined();
  });
  afterAll(() => t?.stop());

  it.each(roles)('%s reads the active partners by id and name only', async (role) => {
    const actor = role === 'SYSTEM_ADMIN' ? sa : await actorWithRole(t, role);
    const answer = await as(t, actor)(d.names);
    expect(answer.errors).toBeUndefined();
    const names = answer.data?.partnerNames as Array<{ id: string; name: string; active: boolean }>;
    expect(names).toContainEqual({ id: active.id, name: '氷見市多職種ネット', active: true });
    expect(names.map((p) => p.id)).not.toContain(suspended.id);
    expect(names.every((p) => p.active)).toBe(true);
  });

  it('lists the suspended ones too when asked, marked inactive', async () => {
    const user = await actorWithRole(t, 'USER');
    const answer = await as(t, user)(d.names, { all: true });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.partnerNames).toEqual(
      expect.arrayContaining([
        { id: active.id, name: '氷見市多職種ネット', active: true },
        { id: suspended.id, name: '射水市連携ネット', active: false },
      ]),
    );
  });

  it('has nothing of the registry to ask for: endpoints, keys and settings are no fields of it', async () => {
    const user = await actorWithRole(t, 'USER');
    for (const field of ['fhirBaseUrl', 'jwks', 'ourClientId', 'status', 'caCertificates'])
      expect((await as(t, user)(`{ partnerNames { id ${field} } }`)).errors?.[0]?.message).toContain(field);
    // The registry itself is still the system admin's alone.
    expect(firstError(await as(t, user)(d.partners))?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an anonymous caller', async () => {
    const answer = await as(t, null)(d.names);
    expect(firstError(answer)?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.data?.partnerNames).toBeUndefined();
  });

  it('refuses a partner presenting its own token (a partner holds no session of ours)', async () => {
    const token = await partnerJwt(active, t.system.exchange.fhirBaseUrl);
    const answer = await graphql(t.graphqlUrl, d.names, {}, { authorization: `Bearer ${token}` });
    expect(firstError(answer)?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(answer.data ?? null)).not.toContain('氷見市多職種ネット');
  });
});
