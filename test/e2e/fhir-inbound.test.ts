// Art. 20-2 inbound joins over the real FHIR endpoint (partner exchange
// contract v1): a partner system, simulated here by signing JWTs with a key
// registered in our partner registry, asks over real HTTP to register one of
// its users into one of our rooms; the workers turn its Task into a join
// request, a manager decides in the graph, and the partner pulls the outcome
// (Task) and later changes (CareTeam). Refused requests are in
// fhir-inbound-refusals.test.ts, the graph side's refusals in
// fhir-inbound-graph.test.ts.
import { randomUUID } from 'node:crypto';
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
  type SimulatedPartner,
} from '../support/simulated-partner';
import { createInboundJoinRequest } from '../../subgraphs/rooms/exchange/services/inbound-join-service';
import type { TestSystem } from '../support/test-system';

const d = {
  closeRoom: `mutation($r: ID!) { closeRoom(roomId: $r, reason: MOVED) { status } }`,
  requests: `query($s: InboundJoinStatus) { inboundJoinRequests(status: $s) { id correlationId status practitionerName organizationName organizationIdentifiers consentBasis { purposes date consenter relationship } reason room { id } history { action actorRole actor { id } reason } } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status externalParticipant { id name organizationName assertedByPartner } } }`,
  reject: `mutation($id: ID!, $reason: String!) { rejectInboundJoin(id: $id, reason: $reason) { id status decisionReason } }`,
  participants: `query($r: ID!) { room(id: $r) { externalParticipants { id name partnerId } } }`,
  removeParticipant: `mutation($id: ID!) { removeExternalParticipant(id: $id, reason: "支援終了") { id removedAt } }`,
};

describe('inbound partner joins over FHIR (Art. 20-2)', () => {
  let t: TestSystem;
  let hm: Actor;
  let himi: SimulatedPartner;
  let imizu: SimulatedPartner;
  let base: string;

  const post = async (partner: SimulatedPartner, task: unknown) =>
    fhirRequest(base, 'POST', '/Task', { token: await partnerJwt(partner, base), body: task });
  const get = async (partner: SimulatedPartner, path: string) =>
    fhirRequest(base, 'GET', path, { token: await partnerJwt(partner, base) });
  const joinTask = joinTaskFrom;
  const openRoom = () => openRoomAs(t, hm);
  const issueCode = (roomId: string, partner: SimulatedPartner, days?: number) =>
    issueShareCodeAs(t, hm, roomId, partner, days);
  const stored = () => inboundRowCounts(t);
  const fhir = (method: string, path: string, options: Parameters<typeof fhirRequest>[3] = {}) =>
    fhirRequest(base, method, path, options);

  async function pendingRequestFor(correlationId: string) {
    const found = await eventually(
      async () =>
        ((await as(t, hm)(d.requests, { s: 'PENDING' })).data?.inboundJoinRequests ?? []).find(
          (r: { correlationId: string }) => r.correlationId === correlationId,
        ),
      (r) => r !== undefined,
    );
    if (!found) throw new Error('the join request never appeared');
    return found;
  }

  beforeAll(async () => {
    ({ t, base, hm, himi, imizu } = await startInboundTestbed({ workers: true }));
  });
  afterAll(() => t?.stop());

  it('serves a valid CapabilityStatement and our public key without authentication', async () => {
    const metadata = await fhir('GET', '/metadata');
    expect(metadata.status).toBe(200);
    expect(metadata.contentType).toMatch(/^application\/fhir\+json/);
    expect(metadata.json).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      implementation: { url: base },
    });
    expect(validateR4(metadata.json)).toEqual({ valid: true });
    const jwks = await fhir('GET', '/.well-known/jwks.json');
    expect(jwks.json).toEqual({ keys: [t.system.exchange.key.publicJwk, t.system.exchange.assertionKey!.publicJwk] });
  });

  it('approved: 201 received → join request → approval → accepted → completed with the CareTeam; a repeat is 200 with nothing new; removal and closing show in CareTeam', async () => {
    const roomId = await openRoom();
    const { code } = await issueCode(roomId, himi);
    // Contract v2: the organisation in the older OID forms (prefecture, fee-schedule code, 7-digit code).
    const task = joinTask(himi, code, {
      organization: {
        display: '氷見訪問看護ステーション',
        identifiers: [
          { system: 'urn:oid:1.2.392.100495.20.3.21', value: '01' },
          { system: 'urn:oid:1.2.392.100495.20.3.22', value: '1' },
          { system: 'urn:oid:1.2.392.100495.20.3.23', value: '0113719' },
        ],
      },
      // Contract v2: the consent under which the partner asks, as a contained Consent.
      consent: {
        purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS'],
        date: '2026-11-20',
        consenter: 'REPRESENTATIVE',
        relationship: '長女',
      },
    });
    const jpCode = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no|0110113719';

    const created = await post(himi, task);
    expect(created.status).toBe(201);
    const taskId = created.json.id;
    expect(created.location).toBe(`Task/${taskId}`);
    expect(created.json).toMatchObject({ resourceType: 'Task', status: 'received', identifier: task.identifier });
    expect(validateR4(created.json)).toEqual({ valid: true });
    // The share code is a bearer secret: not stored, not echoed.
    expect(JSON.stringify(await t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id: taskId } }))).not.toContain(
      code,
    );

    const request = await pendingRequestFor(taskId);
    expect(request).toMatchObject({
      status: 'PENDING',
      practitionerName: '氷見 看護師',
      organizationName: '氷見訪問看護ステーション',
      // Normalised to JP Core's form for the deciders.
      organizationIdentifiers: [jpCode],
      // The deciders see the consent basis the decision will be recorded with.
      consentBasis: {
        purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS'],
        date: '2026-11-20',
        consenter: 'REPRESENTATIVE',
        relationship: '長女',
      },
      room: { id: roomId },
    });
    expect(request.history).toEqual([
      { action: 'RECEIVED', actorRole: `PARTNER:${himi.id}`, actor: null, reason: null },
    ]);

    const before = await stored();
    const again = await post(himi, task);
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(taskId);
    expect(again.location).toBeNull();
    expect(await stored()).toEqual(before);

    const approved = await as(t, hm)(d.approve, { id: request.id });
    expect(approved.errors).toBeUndefined();
    expect(approved.data?.approveInboundJoin).toMatchObject({
      status: 'APPROVED',
      externalParticipant: {
        name: '氷見 看護師',
        organizationName: '氷見訪問看護ステーション',
        assertedByPartner: true,
      },
    });
    const participantId = approved.data?.approveInboundJoin.externalParticipant.id;

    const completed = await eventually(
      () => get(himi, `/Task/${taskId}`),
      (r) => r.json?.status === 'completed',
    );
    expect(completed.json).toMatchObject({
      status: 'completed',
      output: [{ valueReference: { reference: `CareTeam/${roomId}` } }],
    });
    expect(validateR4(completed.json)).toEqual({ valid: true });
    const history = (await t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id: taskId } })).history as Array<{
      status: string;
      by: string | null;
    }>;
    expect(history.map((h) => h.status)).toEqual(['RECEIVED', 'ACCEPTED', 'COMPLETED']);
    expect(history[1]?.by).toBe(hm.userId);

    const [sent] = task.identifier as Array<{ system: string; value: string }>;
    const search = await get(himi, `/Task?identifier=${encodeURIComponent(`${sent!.system}|${sent!.value}`)}`);
    expect(search.json).toMatchObject({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      entry: [{ resource: { id: taskId, status: 'completed' } }],
    });

    const team = await get(himi, `/CareTeam/${roomId}`);
    expect(team.status).toBe(200);
    expect(team.json).toMatchObject({
      resourceType: 'CareTeam',
      id: roomId,
      status: 'active',
      participant: [
        {
          member: { display: '氷見 看護師' },
          onBehalfOf: {
            display: '氷見訪問看護ステーション',
            identifier: { system: jpCode.split('|')[0], value: '0110113719' },
          },
        },
      ],
    });
    expect(team.json.participant[0].period.end).toBeUndefined();
    expect(JSON.stringify(team.json)).not.toContain('太郎');
    expect(validateR4(team.json)).toEqual({ valid: true });
    expect((await as(t, hm)(d.participants, { r: roomId })).data?.room.externalParticipants).toEqual([
      { id: participantId, name: '氷見 看護師', partnerId: himi.id },
    ]);

    // Another partner sees neither the Task nor the CareTeam.
    expect((await get(imizu, `/Task/${taskId}`)).status).toBe(404);
    expect((await get(imizu, `/CareTeam/${roomId}`)).status).toBe(404);

    expect((await as(t, hm)(d.removeParticipant, { id: participantId })).errors).toBeUndefined();
    const removed = await get(himi, `/CareTeam/${roomId}`);
    expect(removed.json.status).toBe('active');
    expect(removed.json.participant[0].period.end).toEqual(expect.any(String));
    expect((await as(t, hm)(d.participants, { r: roomId })).data?.room.externalParticipants).toEqual([]);

    expect((await as(t, hm)(d.closeRoom, { r: roomId })).errors).toBeUndefined();
    // Closed: the status alone (fhir-partner-need-to-know.test.ts).
    const closed = await get(himi, `/CareTeam/${roomId}`);
    expect(closed.json).toEqual({ resourceType: 'CareTeam', id: roomId, status: 'inactive' });
    expect(validateR4(closed.json)).toEqual({ valid: true });

    // One trace through rooms' access chain: our Task id and the requester's own id (the Task identifier).
    const trace = `${taskId}|${(task.identifier as Array<{ value: string }>)[0]!.value}`;
    const records = await t.db.prisma.roomsAccessRecord.findMany({
      where: { roomId, what: { contains: taskId } },
      orderBy: { seq: 'asc' },
    });
    expect(records.map((r) => [r.what, r.actorRole])).toEqual([
      [`inbound-join.receive#${trace}`, `PARTNER:${himi.id}`],
      [`inbound-join.approve#${trace}`, 'HOSPITAL_MANAGER'],
      // The other partner's attempt to read the Task, refused with a 404 above.
      [`task.read#${taskId}`, `PARTNER:${imizu.id}`],
      [`external-participant.remove#${trace}`, 'HOSPITAL_MANAGER'],
    ]);
  });

  it('rejected: the Task becomes rejected with the reason as statusReason, and no participant is added', async () => {
    const roomId = await openRoom();
    const { code } = await issueCode(roomId, himi);
    const created = await post(himi, joinTask(himi, code));
    expect(created.status).toBe(201);
    const request = await pendingRequestFor(created.json.id);
    const rejected = await as(t, hm)(d.reject, { id: request.id, reason: '当院の在宅チームで対応します' });
    expect(rejected.data?.rejectInboundJoin).toEqual({
      id: request.id,
      status: 'REJECTED',
      decisionReason: '当院の在宅チームで対応します',
    });
    const answer = await eventually(
      () => get(himi, `/Task/${created.json.id}`),
      (r) => r.json?.status === 'rejected',
    );
    expect(answer.json).toMatchObject({ status: 'rejected', statusReason: { text: '当院の在宅チームで対応します' } });
    expect(answer.json.output).toBeUndefined();
    expect(validateR4(answer.json)).toEqual({ valid: true });
    expect(await t.db.prisma.externalParticipant.count({ where: { roomId } })).toBe(0);
    expect((await get(himi, `/CareTeam/${roomId}`)).status).toBe(404);
    const again = await as(t, hm)(d.approve, { id: request.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
  });

  it('closing the room (Form 10) rejects requests still pending, and the partner learns why', async () => {
    const roomId = await openRoom();
    const { code } = await issueCode(roomId, himi);
    const created = await post(himi, joinTask(himi, code));
    expect(created.status).toBe(201);
    const request = await pendingRequestFor(created.json.id);
    const closed = await as(t, hm)(`mutation($r: ID!) { closeRoom(roomId: $r, reason: NO_LONGER_NEEDED) { status } }`, {
      r: roomId,
    });
    expect(closed.errors).toBeUndefined();
    const row = await t.db.prisma.inboundJoinRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(row).toMatchObject({ status: 'REJECTED', decidedBy: hm.userId, decisionReason: 'the room was closed' });
    const answer = await eventually(
      () => get(himi, `/Task/${created.json.id}`),
      (r) => r.json?.status === 'rejected',
    );
    expect(answer.json).toMatchObject({ status: 'rejected', statusReason: { text: 'the room was closed' } });
    expect(validateR4(answer.json)).toEqual({ valid: true });
    expect(
      await t.db.prisma.roomsAccessRecord.count({
        where: { roomId, what: { startsWith: `inbound-join.reject#${created.json.id}|` } },
      }),
    ).toBe(1);
  });

  it('does not let the same person in twice: a second request for a current participant is refused at approval (CONFLICT)', async () => {
    const roomId = await openRoom();
    const { code } = await issueCode(roomId, himi);
    const nurse = { system: himi.userSystem, value: `nurse-${randomUUID().slice(0, 8)}`, display: '氷見 看護師' };
    const first = await post(himi, joinTask(himi, code, { practitioner: nurse }));
    const second = await post(himi, joinTask(himi, code, { practitioner: nurse }));
    expect([first.status, second.status]).toEqual([201, 201]);
    const firstRequest = await pendingRequestFor(first.json.id);
    const secondRequest = await pendingRequestFor(second.json.id);
    expect((await as(t, hm)(d.approve, { id: firstRequest.id })).errors).toBeUndefined();
    const again = await as(t, hm)(d.approve, { id: secondRequest.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await t.db.prisma.externalParticipant.count({ where: { roomId, removedAt: null } })).toBe(1);
    expect((await t.db.prisma.inboundJoinRequest.findUniqueOrThrow({ where: { id: secondRequest.id } })).status).toBe(
      'PENDING',
    );
  });

  it('a Task whose room closed before its join request was made is answered rejected at once', async () => {
    const roomId = await openRoom();
    const { code } = await issueCode(roomId, himi);
    const created = await post(himi, joinTask(himi, code));
    const request = await pendingRequestFor(created.json.id);
    // The request as the job would make it, for a room closed in between (written by the service itself).
    const row = await t.db.prisma.inboundJoinRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect((await as(t, hm)(d.closeRoom, { r: roomId })).errors).toBeUndefined();
    const { id: _id, status: _s, decidedBy: _b, decidedAt: _a, decisionReason: _r, receivedAt: _t, ...input } = row;
    const late = await createInboundJoinRequest(t.db.prisma, {
      ...input,
      organizationIdentifiers: [],
      consentBasis: null,
      correlationId: randomUUID(),
    });
    expect(late.request).toMatchObject({ status: 'REJECTED', decisionReason: 'the room was closed' });
    expect(
      await t.db.prisma.roomsOutboxEvent.count({
        where: { type: 'inbound-join.decided', payload: { path: ['joinRequestId'], equals: late.request.id } },
      }),
    ).toBe(1);
  });

  it('shows each partner, in one room, only its own participants in the CareTeam', async () => {
    const roomId = await openRoom();
    const joined = async (partner: SimulatedPartner, display: string) => {
      const { code } = await issueCode(roomId, partner);
      const created = await post(
        partner,
        joinTask(partner, code, {
          practitioner: { system: partner.userSystem, value: `u-${randomUUID().slice(0, 8)}`, display },
        }),
      );
      const request = await pendingRequestFor(created.json.id);
      expect((await as(t, hm)(d.approve, { id: request.id })).errors).toBeUndefined();
    };
    await joined(himi, '氷見 看護師');
    await joined(imizu, '射水 薬剤師');
    const seenBy = async (partner: SimulatedPartner) =>
      ((await get(partner, `/CareTeam/${roomId}`)).json.participant as Array<{ member: { display: string } }>).map(
        (p) => p.member.display,
      );
    expect(await seenBy(himi)).toEqual(['氷見 看護師']);
    expect(await seenBy(imizu)).toEqual(['射水 薬剤師']);
  });
});
