// Bad partner input on the FHIR endpoint (Art. 20-2; partner exchange
// contract v1): invalid FHIR, a Task that breaks the contract, unknown /
// expired / revoked / other-partner share codes, bad or replayed JWTs, an
// oversized body, a suspended partner. Each gets the right status and an
// OperationOutcome with a stable code, and stores nothing (row counts of
// every table an inbound join writes, before and after). The one thing a
// request with a valid JWT does record is its jti: the token is spent.
import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { validateR4 } from '../../adapters/fhir/validator';
import type { Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { as } from '../support/identity-fixtures';
import {
  fhirRequest,
  inboundRowCounts,
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  startInboundTestbed,
  type FhirAnswer,
  type JwtOptions,
  type SimulatedPartner,
} from '../support/simulated-partner';
import type { TestSystem } from '../support/test-system';

const d = {
  suspendPartner: `mutation($id: ID!) { suspendPartner(id: $id, reason: "test") { id status } }`,
  reactivatePartner: `mutation($id: ID!) { reactivatePartner(id: $id, reason: "test") { id status } }`,
  revoke: `mutation($id: ID!) { revokeRoomShareCode(id: $id) { id status } }`,
  shareCodes: `query($r: ID!) { room(id: $r) { shareCodes { id status partnerId } } }`,
};

describe('bad partner requests get an OperationOutcome and store nothing', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let himi: SimulatedPartner;
  let imizu: SimulatedPartner;
  let base: string;
  let roomId: string;
  let code: string;

  const jwt = (partner: SimulatedPartner, claims: JwtOptions = {}) => partnerJwt(partner, base, claims);
  const fhir = (method: string, path: string, options: Parameters<typeof fhirRequest>[3] = {}) =>
    fhirRequest(base, method, path, options);
  const post = async (partner: SimulatedPartner, task: unknown) =>
    fhir('POST', '/Task', { token: await jwt(partner), body: task });
  const get = async (partner: SimulatedPartner, path: string) => fhir('GET', path, { token: await jwt(partner) });
  const joinTask = joinTaskFrom;
  const issueCode = (partner: SimulatedPartner, days?: number) => issueShareCodeAs(t, hm, roomId, partner, days);

  beforeAll(async () => {
    ({ t, base, sa, hm, himi, imizu } = await startInboundTestbed({ workers: true }));
    roomId = await openRoomAs(t, hm);
    ({ code } = await issueCode(himi));
  });
  afterAll(() => t?.stop());

  async function refused(send: () => Promise<FhirAnswer>, status: number, errorCode: string) {
    const before = await inboundRowCounts(t);
    const response = await send();
    expect({
      status: response.status,
      resourceType: response.json?.resourceType,
      code: response.json?.issue?.[0]?.details?.coding?.[0]?.code,
    }).toEqual({ status, resourceType: 'OperationOutcome', code: errorCode });
    expect(response.contentType).toMatch(/^application\/fhir\+json/);
    expect(validateR4(response.json)).toEqual({ valid: true });
    expect(await inboundRowCounts(t)).toEqual(before);
    return response.json;
  }

  it('invalid FHIR: 400 naming the element', async () => {
    const outcome = await refused(
      () => post(himi, { ...joinTask(himi, code), status: 'bogus' }),
      400,
      'INVALID_RESOURCE',
    );
    expect(outcome.issue[0].expression).toEqual(['Task.status']);
    await refused(() => post(himi, { ...joinTask(himi, code), unknownElement: true }), 400, 'INVALID_RESOURCE');
    await refused(
      async () => fhir('POST', '/Task', { token: await jwt(himi), raw: '{"resourceType":' }),
      400,
      'INVALID_RESOURCE',
    );
  });

  it('an organisation identifier that is not a valid Japanese code (contract v2): 400, nothing stored', async () => {
    const withIds = (identifiers: Array<{ system: string; value: string }>) =>
      joinTask(himi, code, { organization: { display: '氷見訪問看護ステーション', identifiers } });
    for (const identifiers of [
      [{ system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: '0110113718' }],
      [{ system: 'urn:oid:1.2.392.100495.20.3.23', value: '0113719' }],
      [{ system: 'urn:oid:1.2.392.100495.20.3.22', value: '1' }],
      [{ system: 'urn:renkei:id:care-provider-no', value: '99' }],
    ]) {
      const outcome = await refused(() => post(himi, withIds(identifiers)), 400, 'INVALID_RESOURCE');
      expect(outcome.issue[0].expression).toEqual(['Task.input:organization.valueReference.identifier']);
    }
  });

  it('a partner registered with consentInJoin REQUIRED: a Task without a Consent is 400 CONSENT_REQUIRED; an invalid one 400 INVALID_RESOURCE (either way nothing stored); with one it is received', async () => {
    const setPolicy = async (policy: string) =>
      as(t, sa)(
        `mutation($id: ID!, $p: PartnerConsentInJoin) { updatePartner(id: $id, input: { consentInJoin: $p }) { consentInJoin } }`,
        {
          id: himi.id,
          p: policy,
        },
      );
    // Validated at the registry like any enum input, nothing changed.
    const bad = await setPolicy('ALWAYS');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(
      await t.db.prisma.partner.findUniqueOrThrow({ where: { id: himi.id }, select: { consentInJoin: true } }),
    ).toEqual({
      consentInJoin: 'OPTIONAL',
    });
    expect((await setPolicy('REQUIRED')).data?.updatePartner).toEqual({ consentInJoin: 'REQUIRED' });
    try {
      const missing = await refused(() => post(himi, joinTask(himi, code)), 400, 'CONSENT_REQUIRED');
      expect(missing.issue[0].expression).toEqual(['Task.input:consent']);
      const consent = {
        purposes: ['PROVIDE_SERVICES'],
        date: '2026-11-20',
        consenter: 'SUBJECT' as const,
        relationship: null,
      };
      const invalid = joinTask(himi, code, { consent });
      ((invalid.contained as Array<Record<string, unknown>>)[0] as Record<string, unknown>).status = 'rejected';
      const outcome = await refused(() => post(himi, invalid), 400, 'INVALID_RESOURCE');
      expect(outcome.issue[0].expression).toEqual(['Task.contained.Consent.status']);
      const accepted = await post(himi, joinTask(himi, code, { consent }));
      expect(accepted.status).toBe(201);
      // Let the job make its join request now, so the next test's row counts do not race it.
      await eventually(
        () => t.db.prisma.inboundJoinRequest.count({ where: { correlationId: accepted.json.id } }),
        (n) => n === 1,
      );
    } finally {
      expect((await setPolicy('OPTIONAL')).errors).toBeUndefined();
    }
  });

  it('a Task that breaks the contract: wrong task code, missing input, foreign identifier system', async () => {
    await refused(
      () =>
        post(himi, { ...joinTask(himi, code), code: { coding: [{ system: 'urn:renkei:task-code', code: 'other' }] } }),
      400,
      'WRONG_TASK_CODE',
    );
    const noReason = joinTask(himi, code);
    noReason.input = (noReason.input as Array<{ type: { coding: Array<{ code: string }> } }>).filter(
      (i) => i.type.coding[0]?.code !== 'reason',
    );
    await refused(() => post(himi, noReason), 400, 'INVALID_RESOURCE');
    await refused(() => post(himi, joinTask(imizu, code)), 400, 'WRONG_IDENTIFIER_SYSTEM');
  });

  it('unknown, expired, revoked and other-partner share codes: the same 404 that reveals nothing', async () => {
    const unknown = await refused(() => post(himi, joinTask(himi, 'no-such-code-0123456789')), 404, 'NOT_FOUND');
    const expiring = await issueCode(himi, 1);
    await t.db.prisma.roomShareCode.update({
      where: { id: expiring.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await refused(() => post(himi, joinTask(himi, expiring.code)), 404, 'NOT_FOUND');
    const revokedCode = await issueCode(himi);
    expect((await as(t, hm)(d.revoke, { id: revokedCode.id })).data?.revokeRoomShareCode).toEqual({
      id: revokedCode.id,
      status: 'REVOKED',
    });
    const revoked = await refused(() => post(himi, joinTask(himi, revokedCode.code)), 404, 'NOT_FOUND');
    const imizuCode = await issueCode(imizu);
    const otherPartner = await refused(() => post(himi, joinTask(himi, imizuCode.code)), 404, 'NOT_FOUND');
    expect(new Set([unknown, expired, revoked, otherPartner].map((o) => JSON.stringify(o))).size).toBe(1);
    const listed = (await as(t, hm)(d.shareCodes, { r: roomId })).data?.room.shareCodes.map(
      (c: { id: string; status: string }) => [c.id, c.status],
    );
    expect(listed).toEqual(
      expect.arrayContaining([
        [expiring.id, 'EXPIRED'],
        [revokedCode.id, 'REVOKED'],
        [imizuCode.id, 'ACTIVE'],
      ]),
    );
  });

  it('bad JWTs: none, wrong key, wrong audience, lifetime beyond 5 minutes, expired, sub not the partner: 401', async () => {
    const task = joinTask(himi, code);
    const stranger = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey;
    const now = Math.floor(Date.now() / 1000);
    for (const token of [
      undefined,
      'not.a.jwt',
      await jwt(himi, { key: stranger }),
      await jwt(himi, { aud: 'https://someone-else.example/fhir' }),
      await jwt(himi, { expIn: 600 }),
      await jwt(himi, { iat: now - 600, expIn: -60 }),
      await jwt(himi, { sub: imizu.id }),
    ]) {
      const before = await t.db.prisma.usedJwtId.count();
      await refused(() => fhir('POST', '/Task', { token, body: task }), 401, 'UNAUTHENTICATED');
      expect(await t.db.prisma.usedJwtId.count()).toBe(before);
    }
  });

  it('a replayed jti: 401 the second time', async () => {
    const jti = randomUUID();
    const first = await fhir('GET', `/Task?identifier=${encodeURIComponent(`${himi.requesterSystem}|none`)}`, {
      token: await jwt(himi, { jti }),
    });
    expect(first.json).toMatchObject({ resourceType: 'Bundle', total: 0 });
    await refused(
      async () => fhir('POST', '/Task', { token: await jwt(himi, { jti }), body: joinTask(himi, code) }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('an oversized body: 413; a body that is not FHIR JSON: 415', async () => {
    const huge = { ...joinTask(himi, code), note: [{ text: 'x'.repeat(70 * 1024) }] };
    await refused(() => post(himi, huge), 413, 'PAYLOAD_TOO_LARGE');
    await refused(
      async () =>
        fhir('POST', '/Task', {
          token: await jwt(himi),
          raw: 'resourceType=Task',
          contentType: 'application/x-www-form-urlencoded',
        }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('a suspended partner is refused at once (401), and accepted again once reactivated', async () => {
    expect((await as(t, sa)(d.suspendPartner, { id: himi.id })).data?.suspendPartner.status).toBe('SUSPENDED');
    // The suspension cancels the partner's Tasks still received (a job, on identity's event): wait for
    // that to be done, so the refusal below is checked against rows nothing else is changing.
    await eventually(
      () => t.db.prisma.inboundTask.count({ where: { partnerId: himi.id, status: 'RECEIVED' } }),
      (received) => received === 0,
    );
    await refused(() => post(himi, joinTask(himi, code)), 401, 'UNAUTHENTICATED');
    expect((await as(t, sa)(d.reactivatePartner, { id: himi.id })).data?.reactivatePartner.status).toBe('ACTIVE');
    const accepted = await post(himi, joinTask(himi, code));
    expect(accepted.status).toBe(201);
    // Let the job create its join request now, so no later test counts rows while it runs.
    const request = await eventually(
      () => t.db.prisma.inboundJoinRequest.findUnique({ where: { correlationId: accepted.json.id } }),
      (r) => r !== null,
    );
    expect(request).not.toBeNull();
  });

  it('unknown Tasks and CareTeams, and unknown paths: 404', async () => {
    await refused(() => get(himi, `/Task/${randomUUID()}`), 404, 'NOT_FOUND');
    await refused(() => get(himi, '/Task/not-an-id'), 404, 'NOT_FOUND');
    await refused(() => get(himi, `/CareTeam/${roomId}`), 404, 'NOT_FOUND');
    await refused(() => get(himi, '/Patient/1'), 404, 'NOT_FOUND');
    await refused(
      async () => fhir('DELETE', `/Task/${randomUUID()}`, { token: await jwt(himi) }),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });
});
