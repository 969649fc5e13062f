// The requester side (Art. 20-3) uses the partner registry's trust as it is
// at the moment of each call, without a restart: a partner's private CA
// registered through the graph while a send is failing on TLS makes the next
// retry succeed; a partner that wants mutual TLS is called with the client
// certificate our CA issued for it alone (and no bearer token), and a server
// that accepts only the certificate issued for one partner refuses the one
// issued for another. The partners are generic FHIR servers over HTTPS with
// their own private CA, which the system itself does not trust.
import { exportJWK, generateKeyPair } from 'jose';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { actorWithRole, type Actor } from '../support/actors';
import { syncDirectory } from '../support/directory-fixtures';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { startGenericFhirServer, type GenericFhirServer } from '../support/generic-fhir-server';
import { approvedRequest, partnerCertificateAuthority } from '../support/mock-partner-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const registered = 'id outboundAuth caCertificates { fingerprint } clientCertificate { fingerprint }';
const d = {
  register: `mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { ${registered} } }`,
  update: `mutation($id: ID!, $input: UpdatePartnerInput!) { updatePartner(id: $id, input: $input) { ${registered} } }`,
  renew: `mutation($id: ID!) { renewPartnerClientCertificate(id: $id) { ${registered} } }`,
  request: `query($id: ID!) { outboundJoinRequest(id: $id) { exchangeStatus partnerTaskId lastFailureCode } }`,
};

describe('outbound calls follow the partner registry (CA, client certificate) without a restart', () => {
  let t: TestSystem;
  let actors: { user: Actor; fm: Actor; sa: Actor };
  let partnerCa: Awaited<ReturnType<typeof partnerCertificateAuthority>>;
  const servers: GenericFhirServer[] = [];
  let n = 0;

  beforeAll(async () => {
    partnerCa = await partnerCertificateAuthority();
    t = await startTestSystem({
      workers: true,
      exchangeDelivery: {
        // No PARTNER_CA_FILES: only what a partner's registration says is trusted beyond the system's CAs.
        partnerCalls: {
          trustedCaPems: [],
          timeoutMs: 2_000,
          poll: { firstDelayMs: 60_000, maxDelayMs: 60_000 },
          syncStaleMs: 60_000,
        },
        retry: { attempts: 10, baseDelayMs: 300, maxDelayMs: 800 },
      },
    });
    const user = await actorWithRole(t, 'USER');
    actors = {
      user,
      fm: await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId }),
      sa: await actorWithRole(t, 'SYSTEM_ADMIN'),
    };
  });

  afterAll(async () => {
    await t.stop();
    for (const server of servers) await server.stop();
    partnerCa.remove();
  });

  /** Registers a partner through the graph, as the system admin does; rooms learns of it at once. */
  async function register(server: GenericFhirServer, overrides: Record<string, unknown>) {
    n += 1;
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const input = {
      name: `連携先${n}`,
      fhirBaseUrl: server.url,
      requesterSystem: `https://p${n}.example/requests`,
      userSystem: `https://p${n}.example/users`,
      jwks: JSON.stringify({ keys: [await exportJWK(publicKey)] }),
      ...overrides,
    };
    const response = await graphql(t.graphqlUrl, d.register, { input }, actors.sa.headers);
    if (!response.data?.registerPartner) throw new Error(JSON.stringify(response.errors));
    await syncDirectory(t, { partnerId: response.data.registerPartner.id });
    return response.data.registerPartner as { id: string; clientCertificate: { fingerprint: string } | null };
  }

  const view = (id: string) => async () =>
    (await graphql(t.graphqlUrl, d.request, { id }, actors.sa.headers)).data?.outboundJoinRequest;
  const ours = (server: GenericFhirServer, id: string) =>
    server.tasksWith(ourIdentifierSystems(t.system.exchange.fhirBaseUrl).request, id);

  it("a partner's private CA registered while the send fails on TLS: the next retry reaches it", async () => {
    const server = await startGenericFhirServer({
      tls: partnerCa.tls,
      caCertificatePem: partnerCa.ca.caCertificatePem,
    });
    servers.push(server);
    const partner = await register(server, { ourClientId: 'renkei-at-trust-1' });
    const id = await approvedRequest(t.graphqlUrl, actors, partner.id, 'trust-runtime-ca-0001');

    // Its certificate chains to a CA nobody told us about: a TLS failure, retried; nothing reached the server.
    expect(await eventually(view(id), (r) => r?.lastFailureCode === 'TLS', 20_000)).toMatchObject({
      exchangeStatus: 'NOT_SENT',
      lastFailureCode: 'TLS',
    });
    expect(server.requests).toHaveLength(0);

    const updated = await graphql(
      t.graphqlUrl,
      d.update,
      { id: partner.id, input: { caCertificates: partnerCa.ca.caCertificatePem } },
      actors.sa.headers,
    );
    expect(updated.errors).toBeUndefined();
    const sent = await eventually(view(id), (r) => r?.exchangeStatus === 'RECEIVED', 20_000);
    expect(ours(server, id)).toHaveLength(1);
    expect(sent).toMatchObject({ exchangeStatus: 'RECEIVED' });
    expect(sent).toMatchObject({ partnerTaskId: ours(server, id)[0]!.id, lastFailureCode: 'TLS' });
    // A JWT partner: every call carried a bearer token.
    expect(server.requests.every((r) => r.authorization)).toBe(true);
  }, 60_000);

  it('a partner wanting mutual TLS gets the certificate issued for it (and no token); the one issued for another partner is refused; a renewal applies to the next call', async () => {
    const accepted: string[] = [];
    const server = await startGenericFhirServer({
      tls: partnerCa.tls,
      caCertificatePem: partnerCa.ca.caCertificatePem,
      // The partner trusts our network CA for client certificates and pins the one we issued for calling it.
      clientCertificates: { caPem: t.ca.caCertificatePem, allowed: () => accepted },
    });
    servers.push(server);
    // No ourClientId: with mutual TLS there is no JWT to sign.
    const mtls = await register(server, { outboundAuth: 'MTLS', caCertificates: partnerCa.ca.caCertificatePem });
    const other = await register(server, { outboundAuth: 'MTLS', caCertificates: partnerCa.ca.caCertificatePem });
    const fingerprint = mtls.clientCertificate!.fingerprint;
    expect(other.clientCertificate!.fingerprint).not.toBe(fingerprint);
    accepted.push(fingerprint);

    const id = await approvedRequest(t.graphqlUrl, actors, mtls.id, 'trust-mtls-code-0001');
    expect(await eventually(view(id), (r) => r?.exchangeStatus === 'RECEIVED', 20_000)).toMatchObject({
      exchangeStatus: 'RECEIVED',
    });
    expect(ours(server, id)).toHaveLength(1);
    const forIt = server.requests.filter((r) => r.outcome !== 401);
    expect(forIt.length).toBeGreaterThan(0);
    expect(forIt.every((r) => r.clientCertificate === fingerprint && !r.authorization)).toBe(true);

    // Another partner's certificate (from the same CA of ours) is not the one this server registered: 401, retried, nothing stored.
    const refused = await approvedRequest(t.graphqlUrl, actors, other.id, 'trust-mtls-code-0002');
    expect(await eventually(view(refused), (r) => r?.lastFailureCode === 'HTTP_401', 20_000)).toMatchObject({
      exchangeStatus: 'NOT_SENT',
      lastFailureCode: 'HTTP_401',
    });
    expect(ours(server, refused)).toHaveLength(0);
    expect(
      server.requests
        .filter((r) => r.outcome === 401)
        .every((r) => r.clientCertificate === other.clientCertificate!.fingerprint),
    ).toBe(true);

    // A renewed certificate is presented from the next call on (the partner was given the new one first).
    const renewed = await graphql(t.graphqlUrl, d.renew, { id: mtls.id }, actors.sa.headers);
    const next = renewed.data?.renewPartnerClientCertificate.clientCertificate.fingerprint as string;
    expect(next).not.toBe(fingerprint);
    accepted.splice(0, accepted.length, next);
    const again = await approvedRequest(t.graphqlUrl, actors, mtls.id, 'trust-mtls-code-0003');
    expect(await eventually(view(again), (r) => r?.exchangeStatus === 'RECEIVED', 20_000)).toMatchObject({
      exchangeStatus: 'RECEIVED',
    });
    expect(ours(server, again)).toHaveLength(1);
    expect(server.requests.filter((r) => r.ifNoneExist?.endsWith(again)).map((r) => r.clientCertificate)).toEqual([
      next,
    ]);
  }, 90_000);
});
