// Art. 20-2 inbound joins from a partner that speaks SMART App Launch 2.x
// Backend Services (issue 17): the partner's client is Medplum's
// MedplumClient (@medplum/core, its JWT-assertion login), not our code; it
// gets an access token from our token endpoint and completes a join through
// the whole system (gateway, subgraphs, workers, PostgreSQL, Redis). Then
// each way a token request can be wrong, each refused with its OAuth error,
// and each way a FHIR request can lack what it needs, refused with an
// OperationOutcome (401) or for want of scope (403). Only the partner's
// JWKS server and the clock are the test's.
import { generateKeyPairSync } from 'node:crypto';
import { MedplumClient } from '@medplum/core';
import { validateR4 } from '../../adapters/fhir/validator';
import { actorWithRole, type Actor } from '../support/actors';
import { captureLogger, type CapturedLog } from '../support/capture-logger';
import { eventually } from '../support/eventually';
import { as, firstError } from '../support/identity-fixtures';
import { partnerCertificateAuthority } from '../support/mock-partner-fixtures';
import {
  fhirRequest,
  inboundRowCounts,
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  registerSimulatedPartner,
  type SimulatedPartner,
} from '../support/simulated-partner';
import {
  assertionForm,
  clientAssertion,
  registerSmartPartner,
  requestToken,
  smartKey,
  startJwksServer,
  type JwksServer,
  type SmartPartner,
} from '../support/smart-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  requests: `query($s: InboundJoinStatus) { inboundJoinRequests(status: $s) { id correlationId } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status } }`,
  register: `mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { id } }`,
};

describe('SMART Backend Services, inbound: a partner logs in with a FHIR client library and joins', () => {
  let t: TestSystem;
  let log: CapturedLog;
  let sa: Actor;
  let hm: Actor;
  let base: string;
  let tokenUrl: string;
  let smart: SmartPartner;
  let himi: SimulatedPartner;
  let partnerCa: Awaited<ReturnType<typeof partnerCertificateAuthority>>;
  let jwksServer: JwksServer;
  // The clock the system reads: a test moves it forward to expire a token.
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);

  beforeAll(async () => {
    log = captureLogger();
    t = await startTestSystem({ workers: true, now: clock, logger: log.logger });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    base = t.system.exchange.fhirBaseUrl;
    tokenUrl = `${base}/token`;
    smart = await registerSmartPartner(t, sa, 'toyama-smart.example');
    himi = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
    partnerCa = await partnerCertificateAuthority();
    jwksServer = await startJwksServer(partnerCa.tls, []);
  });

  afterAll(async () => {
    await t?.stop();
    await jwksServer?.stop();
    partnerCa?.remove();
  });

  afterEach(() => {
    offsetMs = 0;
  });

  const tokenFor = async (partner: SmartPartner, scope?: string) => {
    const answer = await requestToken(tokenUrl, assertionForm(await clientAssertion(partner, tokenUrl), scope));
    if (answer.status !== 200) throw new Error(JSON.stringify(answer.json));
    return answer.json.access_token as string;
  };

  it('publishes its smart-configuration, and a CapabilityStatement naming the token endpoint (valid R4)', async () => {
    const config = await fetch(`${base}/.well-known/smart-configuration`);
    expect(config.status).toBe(200);
    expect(config.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await config.json()).toMatchObject({
      token_endpoint: tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      grant_types_supported: ['client_credentials'],
      capabilities: expect.arrayContaining(['client-confidential-asymmetric']),
      scopes_supported: expect.arrayContaining(['system/Task.c', 'system/Task.rs', 'system/CareTeam.rs']),
      jwks_uri: `${base}/.well-known/jwks.json`,
    });
    const metadata = await fhirRequest(base, 'GET', '/metadata');
    expect(metadata.json.rest[0].security).toMatchObject({
      service: [{ coding: [{ code: 'SMART-on-FHIR' }] }],
      extension: [{ extension: [{ url: 'token', valueUri: tokenUrl }] }],
    });
    expect(validateR4(metadata.json)).toEqual({ valid: true });
    // What a partner's administrator registers for us, in one place.
    const identity = await as(t, sa)(`{ exchangeIdentity { tokenUrl jwksUrl assertionJwk } }`);
    expect(identity.data?.exchangeIdentity).toEqual({
      tokenUrl,
      jwksUrl: `${base}/.well-known/jwks.json`,
      assertionJwk: JSON.stringify(t.system.exchange.assertionKey!.publicJwk),
    });
    expect(JSON.parse(identity.data?.exchangeIdentity.assertionJwk)).toMatchObject({
      kty: 'EC',
      crv: 'P-384',
      alg: 'ES384',
    });
  });

  it("Medplum's MedplumClient logs in with a JWT assertion, creates the join Task, and reads it completed after approval", async () => {
    const roomId = await openRoomAs(t, hm);
    const { code } = await issueShareCodeAs(t, hm, roomId, smart);
    const medplum = new MedplumClient({
      baseUrl: `${t.system.gateway.url}/`,
      fhirUrlPath: 'fhir',
      tokenUrl: 'fhir/token',
      cacheTime: 0,
      fetch: (url: string, init?: RequestInit) => fetch(url, init),
    });
    await medplum.startJwtAssertionLogin(await clientAssertion(smart, tokenUrl));
    expect(medplum.getAccessToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // @medplum/fhirtypes (the resource types) is not installed: the Task is checked by our validator instead.
    const task = joinTaskFrom(smart, code) as {
      resourceType: 'Task';
      identifier: Array<{ system: string; value: string }>;
    };
    const identifier = task.identifier[0]!;
    const created: { id?: string; status?: string } = await medplum.createResource(task as never, {
      headers: { 'If-None-Exist': `identifier=${identifier.system}|${identifier.value}` },
    });
    expect(created).toMatchObject({ resourceType: 'Task', status: 'received' });

    const pending = await eventually(
      async () =>
        ((await as(t, hm)(d.requests, { s: 'PENDING' })).data?.inboundJoinRequests ?? []).find(
          (r: { correlationId: string }) => r.correlationId === created.id,
        ),
      (r) => r !== undefined,
    );
    expect((await as(t, hm)(d.approve, { id: pending.id })).data?.approveInboundJoin.status).toBe('APPROVED');
    const done: { status?: string; output?: Array<{ valueReference?: { reference?: string } }> } = await eventually(
      () => medplum.readResource('Task', created.id!),
      (t: { status?: string }) => t.status === 'completed',
    );
    expect(done.output?.[0]?.valueReference?.reference).toBe(`CareTeam/${roomId}`);
    const careTeam = await medplum.readResource('CareTeam', roomId);
    expect(careTeam).toMatchObject({ resourceType: 'CareTeam', id: roomId, status: 'active' });

    // Logged without the assertion, the token or anything about a person.
    const issued = log.lines.filter((l) => l.msg === 'smart: token issued' && l.partner === smart.id);
    expect(issued[0]).toMatchObject({ scope: 'system/Task.crus system/CareTeam.rs', expiresIn: 300 });
    expect(JSON.stringify(log.lines)).not.toContain(medplum.getAccessToken()!);
  }, 60_000);

  it('answers the token as the spec says: bearer, at most 300 s, the scopes granted, no refresh token, no-store', async () => {
    const answer = await requestToken(
      tokenUrl,
      assertionForm(await clientAssertion(smart, tokenUrl), 'system/Task.c system/Task.rs system/CareTeam.rs'),
    );
    expect(answer.status).toBe(200);
    expect(answer.cacheControl).toBe('no-store');
    expect(answer.json).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'bearer',
      expires_in: 300,
      scope: 'system/Task.crs system/CareTeam.rs',
    });
    // v1 scopes are accepted and mapped.
    const v1 = await requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl), 'system/Task.read'));
    expect(v1.json.scope).toBe('system/Task.rs');
    // Stored as a hash only.
    const stored = await t.db.prisma.smartAccessToken.findMany({ where: { partnerId: smart.id } });
    expect(JSON.stringify(stored)).not.toContain(answer.json.access_token);
  });

  describe('each wrong token request is refused with its OAuth error and no token', () => {
    const expectRefused = async (answer: Promise<unknown>, status: number, error: string) => {
      const before = await t.db.prisma.smartAccessToken.count();
      const got = (await answer) as Awaited<ReturnType<typeof requestToken>>;
      expect(got.status).toBe(status);
      expect(got.cacheControl).toBe('no-store');
      expect(got.json).toEqual({ error, error_description: expect.any(String) });
      expect(await t.db.prisma.smartAccessToken.count()).toBe(before);
      return got;
    };

    it('wrong aud (our FHIR base URL instead of the token endpoint): invalid_client', async () => {
      await expectRefused(
        requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { aud: base }))),
        401,
        'invalid_client',
      );
      expect(log.lines.some((l) => l.msg === 'smart: token refused' && l.reason === 'WRONG_AUDIENCE')).toBe(true);
    });

    it('a reused jti: the first assertion gets a token, the same again is invalid_client', async () => {
      const assertion = await clientAssertion(smart, tokenUrl);
      expect((await requestToken(tokenUrl, assertionForm(assertion))).status).toBe(200);
      await expectRefused(requestToken(tokenUrl, assertionForm(assertion)), 401, 'invalid_client');
      // A new assertion with the same jti (signed again) is refused too.
      const jti = 'one-jti-only';
      expect(
        (await requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { jti })))).status,
      ).toBe(200);
      await expectRefused(
        requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { jti }))),
        401,
        'invalid_client',
      );
    });

    it('an expired assertion: invalid_client', async () => {
      await expectRefused(
        requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { expIn: -60 }))),
        401,
        'invalid_client',
      );
    });

    it('an assertion living longer than 5 minutes: invalid_client', async () => {
      await expectRefused(
        requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { expIn: 3600 }))),
        401,
        'invalid_client',
      );
    });

    it('an unknown kid (inline keys): invalid_client; no kid at all: invalid_client', async () => {
      const other = await smartKey();
      await expectRefused(
        requestToken(
          tokenUrl,
          assertionForm(await clientAssertion(smart, tokenUrl, { kid: other.kid, key: other.privateKey })),
        ),
        401,
        'invalid_client',
      );
      await expectRefused(
        requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { kid: null }))),
        401,
        'invalid_client',
      );
      expect(log.lines.filter((l) => l.msg === 'smart: token refused').map((l) => l.reason)).toEqual(
        expect.arrayContaining(['UNKNOWN_KID', 'NO_KID']),
      );
    });

    it('an unknown kid at a partner publishing its keys at a JWKS URL: fetched over https with its CA, then invalid_client', async () => {
      const key = await smartKey();
      jwksServer.keys = [key.publicJwk];
      const urlPartner = await registerSmartPartner(t, sa, 'jwks-url.example', {
        key,
        jwksUrl: jwksServer.url,
        caCertificates: partnerCa.ca.caCertificatePem,
      });
      expect((await requestToken(tokenUrl, assertionForm(await clientAssertion(urlPartner, tokenUrl)))).status).toBe(
        200,
      );
      expect(jwksServer.fetches).toBe(1);
      // Cached: a second assertion fetches nothing.
      await tokenFor(urlPartner);
      expect(jwksServer.fetches).toBe(1);
      const stranger = await smartKey();
      await expectRefused(
        requestToken(
          tokenUrl,
          assertionForm(await clientAssertion(urlPartner, tokenUrl, { kid: stranger.kid, key: stranger.privateKey })),
        ),
        401,
        'invalid_client',
      );
      // The refetch an unknown kid triggers is rate limited: right after the first fetch, none.
      expect(jwksServer.fetches).toBe(1);
    });

    it('a signature by another key under a registered kid, and an algorithm other than RS384/ES384: invalid_client', async () => {
      const other = await smartKey();
      await expectRefused(
        requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { key: other.privateKey }))),
        401,
        'invalid_client',
      );
      const rsa = await smartKey('RS384');
      await expectRefused(
        requestToken(
          tokenUrl,
          assertionForm(await clientAssertion(smart, tokenUrl, { alg: 'RS384', key: rsa.privateKey })),
        ),
        401,
        'invalid_client',
      );
    });

    it('iss not sub, an unknown client, a contract v1 partner: invalid_client, one description for all', async () => {
      const answers = [
        await requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl, { sub: himi.id }))),
        await requestToken(
          tokenUrl,
          assertionForm(await clientAssertion(smart, tokenUrl, { iss: '00000000-0000-4000-8000-000000000000' })),
        ),
        // Himi authenticates with contract JWTs: its keys (Ed25519) cannot get tokens here.
        await requestToken(tokenUrl, assertionForm(await partnerJwt(himi, tokenUrl))),
      ];
      expect(answers.map((a) => [a.status, a.json.error])).toEqual([
        [401, 'invalid_client'],
        [401, 'invalid_client'],
        [401, 'invalid_client'],
      ]);
      expect(new Set(answers.map((a) => a.json.error_description)).size).toBe(1);
    });

    it('a scope we grant nothing of: invalid_scope, naming it', async () => {
      const answer = await expectRefused(
        requestToken(
          tokenUrl,
          assertionForm(await clientAssertion(smart, tokenUrl), 'system/Task.c system/Patient.rs'),
        ),
        400,
        'invalid_scope',
      );
      expect(answer.json.error_description).toContain('system/Patient.rs');
      await expectRefused(
        requestToken(tokenUrl, assertionForm(await clientAssertion(smart, tokenUrl), 'user/Task.rs')),
        400,
        'invalid_scope',
      );
    });

    it('another grant type: unsupported_grant_type; missing or wrong parameters: invalid_request', async () => {
      const assertion = await clientAssertion(smart, tokenUrl);
      await expectRefused(
        requestToken(tokenUrl, { ...assertionForm(assertion), grant_type: 'authorization_code' }),
        400,
        'unsupported_grant_type',
      );
      await expectRefused(requestToken(tokenUrl, { client_assertion: assertion }), 400, 'invalid_request');
      await expectRefused(
        requestToken(tokenUrl, { ...assertionForm(assertion), client_assertion_type: 'password' }),
        400,
        'invalid_request',
      );
      const { client_assertion: _omitted, ...noAssertion } = assertionForm(assertion);
      await expectRefused(requestToken(tokenUrl, noAssertion), 400, 'invalid_request');
      const json = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(assertionForm(assertion)),
      });
      expect(json.status).toBe(400);
      expect(await json.json()).toMatchObject({ error: 'invalid_request' });
      // None of these consumed the assertion: it still gets a token.
      expect((await requestToken(tokenUrl, assertionForm(assertion))).status).toBe(200);
    });
  });

  describe('every FHIR route checks the access token and its scopes', () => {
    it('insufficient scope: a CareTeam-only token may not create a Task (403 OperationOutcome), nothing stored', async () => {
      const roomId = await openRoomAs(t, hm);
      const { code } = await issueShareCodeAs(t, hm, roomId, smart);
      const token = await tokenFor(smart, 'system/CareTeam.rs');
      const before = await inboundRowCounts(t);
      const refused = await fhirRequest(base, 'POST', '/Task', { token, body: joinTaskFrom(smart, code) });
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ code: 'forbidden', details: { coding: [{ code: 'FORBIDDEN' }] } }],
      });
      expect(await inboundRowCounts(t)).toEqual(before);
      // Reading and searching Tasks need their own scopes too.
      expect((await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token })).status).toBe(403);
      // What it was granted works.
      expect((await fhirRequest(base, 'GET', `/CareTeam/${roomId}`, { token })).status).toBe(404);
    });

    it('an expired access token is a 401 OperationOutcome', async () => {
      const token = await tokenFor(smart);
      expect((await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token })).status).toBe(200);
      offsetMs = 301_000;
      const refused = await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token });
      expect(refused.status).toBe(401);
      expect(refused.json.issue[0].details.coding[0].code).toBe('UNAUTHENTICATED');
    });

    it('an unknown access token, and a SMART partner sending a direct contract JWT: 401', async () => {
      expect((await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token: 'x'.repeat(43) })).status).toBe(401);
      const direct = await clientAssertion(smart, base, { alg: 'ES384' });
      expect((await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token: direct })).status).toBe(401);
    });

    it('contract v1 partners keep working with their direct JWTs', async () => {
      const answer = await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token: await partnerJwt(himi, base) });
      expect(answer.status).toBe(200);
    });

    it('a suspended partner’s access token stops at once', async () => {
      const other = await registerSmartPartner(t, sa, 'suspended-smart.example');
      const token = await tokenFor(other);
      const suspended = await as(t, sa)(`mutation($id: ID!) { suspendPartner(id: $id, reason: "test") { status } }`, {
        id: other.id,
      });
      expect(suspended.data?.suspendPartner.status).toBe('SUSPENDED');
      expect((await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token })).status).toBe(401);
      const again = await requestToken(tokenUrl, assertionForm(await clientAssertion(other, tokenUrl)));
      expect(again.json.error).toBe('invalid_client');
    });
  });

  describe('the registry (system admin) records each partner’s inbound method, validated', () => {
    const input = {
      name: 'Registry test',
      fhirBaseUrl: 'https://registry.example/fhir',
      requesterSystem: 'https://registry.example/requests',
      userSystem: 'https://registry.example/users',
    };
    it.each([
      [
        'SMART with only Ed25519 keys',
        {
          inboundAuth: 'SMART_BACKEND',
          jwks: JSON.stringify({ keys: [generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })] }),
        },
        'input.jwks',
      ],
      [
        'a JWKS URL over http',
        { inboundAuth: 'SMART_BACKEND', jwksUrl: 'http://registry.example/jwks' },
        'input.jwksUrl',
      ],
      [
        'outbound SMART without the client id it gave us',
        { inboundAuth: 'SMART_BACKEND', jwksUrl: 'https://registry.example/jwks', outboundAuth: 'SMART_BACKEND' },
        'input.ourClientId',
      ],
    ])('refuses %s with BAD_USER_INPUT naming the field, storing nothing', async (_label, change, field) => {
      const before = await t.db.prisma.partner.count();
      const response = await as(t, sa)(d.register, { input: { ...input, ...change } });
      expect(firstError(response)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await t.db.prisma.partner.count()).toBe(before);
    });

    it('switches a partner between methods; a hospital manager may not', async () => {
      const key = await smartKey();
      const partner = await registerSmartPartner(t, sa, 'switch.example', { key });
      const update = `mutation($id: ID!, $input: UpdatePartnerInput!) { updatePartner(id: $id, input: $input) { inboundAuth jwksUrl } }`;
      expect(
        firstError(await as(t, hm)(update, { id: partner.id, input: { inboundAuth: 'CONTRACT_JWT' } }))?.extensions
          ?.code,
      ).toBe('FORBIDDEN');
      const token = await tokenFor(partner);
      // Back to contract JWTs: but its only key is a P-384 SMART key, so that is refused...
      const refused = await as(t, sa)(update, { id: partner.id, input: { inboundAuth: 'CONTRACT_JWT' } });
      expect(firstError(refused)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.jwks' });
      // ...and with a JWKS URL it is accepted; the access token it still holds stops at once.
      const switched = await as(t, sa)(update, {
        id: partner.id,
        input: { inboundAuth: 'CONTRACT_JWT', jwksUrl: 'https://switch.example/jwks' },
      });
      expect(switched.data?.updatePartner).toEqual({
        inboundAuth: 'CONTRACT_JWT',
        jwksUrl: 'https://switch.example/jwks',
      });
      expect((await fhirRequest(base, 'GET', '/Task?identifier=a|b', { token })).status).toBe(401);
    });
  });
});
