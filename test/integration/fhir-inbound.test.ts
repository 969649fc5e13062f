// Art. 20-2 inbound joins over the real FHIR endpoint (partner exchange
// contract v1): a partner system, simulated here by signing JWTs with a key
// registered in our partner registry, asks over real HTTP to register one of
// its users into one of our rooms; the workers turn its Task into a join
// request, a manager decides in the graph, and the partner pulls the outcome
// (Task) and later changes (CareTeam). Every bad request gets its
// OperationOutcome and stores nothing.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { buildJoinTask, type JoinTaskInput } from '../../adapters/fhir/join-task';
import { validateR4 } from '../../adapters/fhir/validator';
import { actorWithRole, type Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { as } from '../support/identity-fixtures';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  registerPartner: `mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { id } }`,
  suspendPartner: `mutation($id: ID!) { suspendPartner(id: $id, reason: "test") { id status } }`,
  reactivatePartner: `mutation($id: ID!) { reactivatePartner(id: $id, reason: "test") { id status } }`,
  openRoom: `mutation($s: ID!, $t: String!) { openRoom(input: { subjectId: $s, title: $t }) { id } }`,
  closeRoom: `mutation($r: ID!) { closeRoom(roomId: $r, reason: MOVED) { status } }`,
  issue: `mutation($r: ID!, $p: ID!, $days: Int) { issueRoomShareCode(roomId: $r, partnerId: $p, expiresInDays: $days) { code shareCode { id partnerId status expiresAt } } }`,
  revoke: `mutation($id: ID!) { revokeRoomShareCode(id: $id) { id status } }`,
  shareCodes: `query($r: ID!) { room(id: $r) { shareCodes { id status partnerId } } }`,
  requests: `query($s: InboundJoinStatus) { inboundJoinRequests(status: $s) { id correlationId status practitionerName organizationName reason room { id } history { action actorRole actor { id } reason } } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status externalParticipant { id name organizationName assertedByPartner } } }`,
  reject: `mutation($id: ID!, $reason: String!) { rejectInboundJoin(id: $id, reason: $reason) { id status decisionReason } }`,
  participants: `query($r: ID!) { room(id: $r) { externalParticipants { id name partnerId } } }`,
  removeParticipant: `mutation($id: ID!) { removeExternalParticipant(id: $id, reason: "支援終了") { id removedAt } }`,
};

interface SimulatedPartner {
  id: string;
  privateKey: KeyLike;
  requesterSystem: string;
  userSystem: string;
}

describe('inbound partner joins over FHIR (Art. 20-2)', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let himi: SimulatedPartner;
  let imizu: SimulatedPartner;
  let base: string;

  async function registerPartner(name: string, host: string): Promise<SimulatedPartner> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const requesterSystem = `https://${host}/requests`;
    const userSystem = `https://${host}/users`;
    const response = await as(t, sa)(d.registerPartner, {
      input: { name, fhirBaseUrl: `https://${host}/fhir`, requesterSystem, userSystem, jwks: JSON.stringify({ keys: [await exportJWK(publicKey)] }) },
    });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return { id: response.data?.registerPartner.id, privateKey, requesterSystem, userSystem };
  }

  function jwt(partner: SimulatedPartner, claims: { aud?: string; expIn?: number; iat?: number; jti?: string; sub?: string; key?: KeyLike } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(partner.id)
      .setSubject(claims.sub ?? partner.id)
      .setAudience(claims.aud ?? base)
      .setIssuedAt(claims.iat ?? now)
      .setExpirationTime(now + (claims.expIn ?? 120))
      .setJti(claims.jti ?? randomUUID())
      .sign(claims.key ?? partner.privateKey);
  }

  async function fhir(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/fhir+json';
    const response = await fetch(`${base}${path}`, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, location: response.headers.get('location'), contentType: response.headers.get('content-type'), json: text ? JSON.parse(text) : undefined };
  }

  const post = async (partner: SimulatedPartner, task: unknown) => fhir('POST', '/Task', { token: await jwt(partner), body: task });
  const get = async (partner: SimulatedPartner, path: string) => fhir('GET', path, { token: await jwt(partner) });

  function joinTask(partner: SimulatedPartner, shareCode: string, overrides: Partial<JoinTaskInput> = {}) {
    return buildJoinTask({
      identifier: { system: partner.requesterSystem, value: randomUUID() },
      shareCode,
      authoredOn: '2026-11-25T09:00:00+09:00',
      requester: { system: partner.userSystem, value: 'admin-1', display: '氷見 管理者' },
      practitioner: { system: partner.userSystem, value: `nurse-${randomUUID().slice(0, 8)}`, display: '氷見 看護師' },
      organization: { display: '氷見訪問看護ステーション' },
      reason: '退院後の訪問看護で関わるため',
      ...overrides,
    });
  }

  async function openRoom(): Promise<string> {
    const subjectId = await subjectWithConsent(t, hm);
    const opened = await as(t, hm)(d.openRoom, { s: subjectId, t: '太郎さんの部屋' });
    if (opened.errors) throw new Error(JSON.stringify(opened.errors));
    return opened.data?.openRoom.id;
  }

  async function issueCode(roomId: string, partner: SimulatedPartner, days?: number): Promise<{ code: string; id: string }> {
    const issued = await as(t, hm)(d.issue, { r: roomId, p: partner.id, days });
    if (issued.errors) throw new Error(JSON.stringify(issued.errors));
    return { code: issued.data?.issueRoomShareCode.code, id: issued.data?.issueRoomShareCode.shareCode.id };
  }

  /** Everything a join stores, across the integration and rooms schemas. */
  async function stored() {
    const p = t.db.prisma;
    return {
      tasks: await p.inboundTask.count(),
      integrationEvents: await p.integrationOutboxEvent.count(),
      requests: await p.inboundJoinRequest.count(),
      participants: await p.externalParticipant.count(),
      roomsEvents: await p.roomsOutboxEvent.count(),
    };
  }

  async function pendingRequestFor(correlationId: string) {
    const found = await eventually(
      async () => ((await as(t, hm)(d.requests, { s: 'PENDING' })).data?.inboundJoinRequests ?? []).find((r: { correlationId: string }) => r.correlationId === correlationId),
      (r) => r !== undefined,
    );
    if (!found) throw new Error('the join request never appeared');
    return found;
  }

  beforeAll(async () => {
    t = await startTestSystem({ workers: true });
    base = t.system.exchange.fhirBaseUrl;
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    himi = await registerPartner('氷見市多職種ネット', 'himi.example');
    imizu = await registerPartner('射水市多職種ネット', 'imizu.example');
  });
  afterAll(() => t?.stop());

  it('serves a valid CapabilityStatement and our public key without authentication', async () => {
    const metadata = await fhir('GET', '/metadata');
    expect(metadata.status).toBe(200);
    expect(metadata.contentType).toMatch(/^application\/fhir\+json/);
    expect(metadata.json).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', implementation: { url: base } });
    expect(validateR4(metadata.json)).toEqual({ valid: true });
    const jwks = await fhir('GET', '/.well-known/jwks.json');
    expect(jwks.json).toEqual({ keys: [t.system.exchange.key.publicJwk] });
  });

  it('approved: 201 received → join request → approval → accepted → completed with the CareTeam; a repeat is 200 with nothing new; removal and closing show in CareTeam', async () => {
    const roomId = await openRoom();
    const { code } = await issueCode(roomId, himi);
    const task = joinTask(himi, code);

    const created = await post(himi, task);
    expect(created.status).toBe(201);
    const taskId = created.json.id;
    expect(created.location).toBe(`Task/${taskId}`);
    expect(created.json).toMatchObject({ resourceType: 'Task', status: 'received', identifier: task.identifier });
    expect(validateR4(created.json)).toEqual({ valid: true });
    // The share code is a bearer secret: not stored, not echoed.
    expect(JSON.stringify(await t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id: taskId } }))).not.toContain(code);

    const request = await pendingRequestFor(taskId);
    expect(request).toMatchObject({ status: 'PENDING', practitionerName: '氷見 看護師', organizationName: '氷見訪問看護ステーション', room: { id: roomId } });
    expect(request.history).toEqual([{ action: 'RECEIVED', actorRole: `PARTNER:${himi.id}`, actor: null, reason: null }]);

    const before = await stored();
    const again = await post(himi, task);
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(taskId);
    expect(again.location).toBeNull();
    expect(await stored()).toEqual(before);

    const approved = await as(t, hm)(d.approve, { id: request.id });
    expect(approved.errors).toBeUndefined();
    expect(approved.data?.approveInboundJoin).toMatchObject({ status: 'APPROVED', externalParticipant: { name: '氷見 看護師', organizationName: '氷見訪問看護ステーション', assertedByPartner: true } });
    const participantId = approved.data?.approveInboundJoin.externalParticipant.id;

    const completed = await eventually(() => get(himi, `/Task/${taskId}`), (r) => r.json?.status === 'completed');
    expect(completed.json).toMatchObject({ status: 'completed', output: [{ valueReference: { reference: `CareTeam/${roomId}` } }] });
    expect(validateR4(completed.json)).toEqual({ valid: true });
    const history = (await t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id: taskId } })).history as Array<{ status: string; by: string | null }>;
    expect(history.map((h) => h.status)).toEqual(['RECEIVED', 'ACCEPTED', 'COMPLETED']);
    expect(history[1]?.by).toBe(hm.userId);

    const [sent] = task.identifier as Array<{ system: string; value: string }>;
    const search = await get(himi, `/Task?identifier=${encodeURIComponent(`${sent!.system}|${sent!.value}`)}`);
    expect(search.json).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: { id: taskId, status: 'completed' } }] });

    const team = await get(himi, `/CareTeam/${roomId}`);
    expect(team.status).toBe(200);
    expect(team.json).toMatchObject({ resourceType: 'CareTeam', id: roomId, status: 'active', participant: [{ member: { display: '氷見 看護師' }, onBehalfOf: { display: '氷見訪問看護ステーション' } }] });
    expect(team.json.participant[0].period.end).toBeUndefined();
    expect(JSON.stringify(team.json)).not.toContain('太郎');
    expect(validateR4(team.json)).toEqual({ valid: true });
    expect((await as(t, hm)(d.participants, { r: roomId })).data?.room.externalParticipants).toEqual([{ id: participantId, name: '氷見 看護師', partnerId: himi.id }]);

    // Another partner sees neither the Task nor the CareTeam.
    expect((await get(imizu, `/Task/${taskId}`)).status).toBe(404);
    expect((await get(imizu, `/CareTeam/${roomId}`)).status).toBe(404);

    expect((await as(t, hm)(d.removeParticipant, { id: participantId })).errors).toBeUndefined();
    const removed = await get(himi, `/CareTeam/${roomId}`);
    expect(removed.json.status).toBe('active');
    expect(removed.json.participant[0].period.end).toEqual(expect.any(String));
    expect((await as(t, hm)(d.participants, { r: roomId })).data?.room.externalParticipants).toEqual([]);

    expect((await as(t, hm)(d.closeRoom, { r: roomId })).errors).toBeUndefined();
    const closed = await get(himi, `/CareTeam/${roomId}`);
    expect(closed.json).toMatchObject({ status: 'inactive', period: { end: expect.any(String) } });
    expect(validateR4(closed.json)).toEqual({ valid: true });

    // One correlation id through rooms' access chain: received, approved, removed.
    const records = await t.db.prisma.roomsAccessRecord.findMany({ where: { roomId, what: { contains: taskId } }, orderBy: { seq: 'asc' } });
    expect(records.map((r) => [r.what, r.actorRole])).toEqual([
      [`inbound-join.receive#${taskId}`, `PARTNER:${himi.id}`],
      [`inbound-join.approve#${taskId}`, 'HOSPITAL_MANAGER'],
      [`external-participant.remove#${taskId}`, 'HOSPITAL_MANAGER'],
    ]);
  });

  it('rejected: the Task becomes rejected with the reason as statusReason, and no participant is added', async () => {
    const roomId = await openRoom();
    const { code } = await issueCode(roomId, himi);
    const created = await post(himi, joinTask(himi, code));
    expect(created.status).toBe(201);
    const request = await pendingRequestFor(created.json.id);
    const rejected = await as(t, hm)(d.reject, { id: request.id, reason: '当院の在宅チームで対応します' });
    expect(rejected.data?.rejectInboundJoin).toEqual({ id: request.id, status: 'REJECTED', decisionReason: '当院の在宅チームで対応します' });
    const answer = await eventually(() => get(himi, `/Task/${created.json.id}`), (r) => r.json?.status === 'rejected');
    expect(answer.json).toMatchObject({ status: 'rejected', statusReason: { text: '当院の在宅チームで対応します' } });
    expect(answer.json.output).toBeUndefined();
    expect(validateR4(answer.json)).toEqual({ valid: true });
    expect(await t.db.prisma.externalParticipant.count({ where: { roomId } })).toBe(0);
    expect((await get(himi, `/CareTeam/${roomId}`)).status).toBe(404);
    const again = await as(t, hm)(d.approve, { id: request.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
  });

  describe('bad requests get an OperationOutcome and store nothing', () => {
    let roomId: string;
    let code: string;

    beforeAll(async () => {
      roomId = await openRoom();
      ({ code } = await issueCode(roomId, himi));
    });

    async function refused(send: () => Promise<{ status: number; json: any; contentType: string | null }>, status: number, errorCode: string) {
      const before = await stored();
      const response = await send();
      expect({ status: response.status, resourceType: response.json?.resourceType, code: response.json?.issue?.[0]?.details?.coding?.[0]?.code }).toEqual({ status, resourceType: 'OperationOutcome', code: errorCode });
      expect(response.contentType).toMatch(/^application\/fhir\+json/);
      expect(validateR4(response.json)).toEqual({ valid: true });
      expect(await stored()).toEqual(before);
      return response.json;
    }

    it('invalid FHIR: 400 naming the element', async () => {
      const outcome = await refused(() => post(himi, { ...joinTask(himi, code), status: 'bogus' }), 400, 'INVALID_RESOURCE');
      expect(outcome.issue[0].expression).toEqual(['Task.status']);
      await refused(() => post(himi, { ...joinTask(himi, code), unknownElement: true }), 400, 'INVALID_RESOURCE');
      await refused(async () => fhir('POST', '/Task', { token: await jwt(himi), raw: '{"resourceType":' }), 400, 'INVALID_RESOURCE');
    });

    it('a Task that breaks the contract: wrong task code, missing input, foreign identifier system', async () => {
      await refused(() => post(himi, { ...joinTask(himi, code), code: { coding: [{ system: 'urn:renkei:task-code', code: 'other' }] } }), 400, 'WRONG_TASK_CODE');
      const noReason = joinTask(himi, code);
      noReason.input = (noReason.input as Array<{ type: { coding: Array<{ code: string }> } }>).filter((i) => i.type.coding[0]?.code !== 'reason');
      await refused(() => post(himi, noReason), 400, 'INVALID_RESOURCE');
      await refused(() => post(himi, joinTask(imizu, code)), 400, 'WRONG_IDENTIFIER_SYSTEM');
    });

    it('unknown, expired, revoked and other-partner share codes: the same 404 that reveals nothing', async () => {
      const unknown = await refused(() => post(himi, joinTask(himi, 'no-such-code-0123456789')), 404, 'NOT_FOUND');
      const expiring = await issueCode(roomId, himi, 1);
      await t.db.prisma.roomShareCode.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = await refused(() => post(himi, joinTask(himi, expiring.code)), 404, 'NOT_FOUND');
      const revokedCode = await issueCode(roomId, himi);
      expect((await as(t, hm)(d.revoke, { id: revokedCode.id })).data?.revokeRoomShareCode).toEqual({ id: revokedCode.id, status: 'REVOKED' });
      const revoked = await refused(() => post(himi, joinTask(himi, revokedCode.code)), 404, 'NOT_FOUND');
      const imizuCode = await issueCode(roomId, imizu);
      const otherPartner = await refused(() => post(himi, joinTask(himi, imizuCode.code)), 404, 'NOT_FOUND');
      expect(new Set([unknown, expired, revoked, otherPartner].map((o) => JSON.stringify(o))).size).toBe(1);
      const listed = (await as(t, hm)(d.shareCodes, { r: roomId })).data?.room.shareCodes.map((c: { id: string; status: string }) => [c.id, c.status]);
      expect(listed).toEqual(expect.arrayContaining([[expiring.id, 'EXPIRED'], [revokedCode.id, 'REVOKED'], [imizuCode.id, 'ACTIVE']]));
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
      const first = await fhir('GET', `/Task?identifier=${encodeURIComponent(`${himi.requesterSystem}|none`)}`, { token: await jwt(himi, { jti }) });
      expect(first.json).toMatchObject({ resourceType: 'Bundle', total: 0 });
      await refused(async () => fhir('POST', '/Task', { token: await jwt(himi, { jti }), body: joinTask(himi, code) }), 401, 'UNAUTHENTICATED');
    });

    it('an oversized body: 413; a body that is not FHIR JSON: 415', async () => {
      const huge = { ...joinTask(himi, code), note: [{ text: 'x'.repeat(70 * 1024) }] };
      await refused(() => post(himi, huge), 413, 'PAYLOAD_TOO_LARGE');
      await refused(async () => fhir('POST', '/Task', { token: await jwt(himi), raw: 'resourceType=Task', contentType: 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('a suspended partner is refused at once (401), and accepted again once reactivated', async () => {
      expect((await as(t, sa)(d.suspendPartner, { id: himi.id })).data?.suspendPartner.status).toBe('SUSPENDED');
      await refused(() => post(himi, joinTask(himi, code)), 401, 'UNAUTHENTICATED');
      expect((await as(t, sa)(d.reactivatePartner, { id: himi.id })).data?.reactivatePartner.status).toBe('ACTIVE');
      expect((await post(himi, joinTask(himi, code))).status).toBe(201);
    });

    it('unknown Tasks and CareTeams, and unknown paths: 404', async () => {
      await refused(() => get(himi, `/Task/${randomUUID()}`), 404, 'NOT_FOUND');
      await refused(() => get(himi, '/Task/not-an-id'), 404, 'NOT_FOUND');
      await refused(() => get(himi, `/CareTeam/${roomId}`), 404, 'NOT_FOUND');
      await refused(() => get(himi, '/Patient/1'), 404, 'NOT_FOUND');
      await refused(async () => fhir('DELETE', `/Task/${randomUUID()}`, { token: await jwt(himi) }), 405, 'METHOD_NOT_ALLOWED');
    });
  });
});
