// Need to know at the partner boundary (issue 10, part 6), over the real FHIR
// endpoint with simulated partners: once sharing stops (consent withdrawn, an
// exception past its review date, the room suspended or closed) a partner's
// CareTeam shows the status and nothing else, and the read is in rooms'
// access chain; a partner asking for another partner's Task or CareTeam gets
// exactly the 404 an unknown id gets (an identifier search, the empty Bundle
// an unknown identifier gets), and the attempt is recorded as DENIED naming
// the partner and the target.
import { randomUUID } from 'node:crypto';
import { validateR4 } from '../../adapters/fhir/validator';
import { refreshSubjectSharing } from '../../subgraphs/rooms/services/sharing-view';
import { verifyRoomsChain } from '../../subgraphs/rooms/services/access-records';
import type { Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { as } from '../support/identity-fixtures';
import {
  fhirRequest,
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  startInboundTestbed,
  type SimulatedPartner,
} from '../support/simulated-partner';
import type { TestSystem } from '../support/test-system';

const d = {
  requests: `query { inboundJoinRequests(status: PENDING) { id correlationId } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status } }`,
  withdrawConsent: `mutation($id: ID!, $reason: String!) { withdrawConsent(subjectId: $id, reason: $reason) { id state } }`,
  closeRoom: `mutation($r: ID!) { closeRoom(roomId: $r, reason: MOVED) { status } }`,
};

describe('partners see only what they need (issue 10, part 6)', () => {
  let t: TestSystem;
  let hm: Actor;
  let himi: SimulatedPartner;
  let imizu: SimulatedPartner;
  let base: string;

  const get = async (partner: SimulatedPartner, path: string) =>
    fhirRequest(base, 'GET', path, { token: await partnerJwt(partner, base) });
  const records = (where: Record<string, unknown>) =>
    t.db.prisma.roomsAccessRecord.findMany({
      where,
      orderBy: { seq: 'asc' },
      select: {
        actorId: true,
        actorRole: true,
        roomId: true,
        subjectId: true,
        action: true,
        what: true,
        outcome: true,
      },
    });

  /** An open room with one of `partner`'s users approved in it, through the real exchange. */
  async function joinedRoom(partner: SimulatedPartner) {
    const roomId = await openRoomAs(t, hm);
    const { subjectId } = await t.db.prisma.room.findUniqueOrThrow({ where: { id: roomId } });
    const { code } = await issueShareCodeAs(t, hm, roomId, partner);
    const task = joinTaskFrom(partner, code);
    const created = await fhirRequest(base, 'POST', '/Task', { token: await partnerJwt(partner, base), body: task });
    expect(created.status).toBe(201);
    const request = await eventually(
      async () =>
        ((await as(t, hm)(d.requests, {})).data?.inboundJoinRequests ?? []).find(
          (r: { correlationId: string }) => r.correlationId === created.json.id,
        ),
      (r) => r !== undefined,
    );
    expect((await as(t, hm)(d.approve, { id: request.id })).errors).toBeUndefined();
    const team = await get(partner, `/CareTeam/${roomId}`);
    expect(team.json).toMatchObject({
      status: 'active',
      period: { start: expect.any(String) },
      participant: [expect.any(Object)],
    });
    return {
      roomId,
      subjectId,
      taskId: created.json.id as string,
      identifier: (task.identifier as Array<{ system: string; value: string }>)[0]!,
    };
  }

  /** The CareTeam once sharing stopped: exactly resourceType, id and status, valid R4. */
  async function statusOnly(partner: SimulatedPartner, roomId: string, status: string) {
    const team = await eventually(
      () => get(partner, `/CareTeam/${roomId}`),
      (r) => r.json?.status === status,
    );
    expect(team.status).toBe(200);
    expect(team.json).toEqual({ resourceType: 'CareTeam', id: roomId, status });
    expect(validateR4(team.json)).toEqual({ valid: true });
  }

  beforeAll(async () => {
    ({ t, base, hm, himi, imizu } = await startInboundTestbed({ workers: true }));
  });
  afterAll(() => t?.stop());

  it('consent withdrawn (the room suspended): the status alone, and the read recorded', async () => {
    const { roomId, subjectId } = await joinedRoom(himi);
    const withdrawn = await as(t, hm)(d.withdrawConsent, { id: subjectId, reason: '本人の申出により撤回' });
    expect(withdrawn.errors).toBeUndefined();
    await statusOnly(himi, roomId, 'suspended');
    expect(await records({ roomId, actorRole: `PARTNER:${himi.id}`, what: { startsWith: 'care-team.' } })).toEqual(
      expect.arrayContaining([
        {
          actorId: null,
          actorRole: `PARTNER:${himi.id}`,
          roomId,
          subjectId,
          action: 'READ',
          what: 'care-team.read-status',
          outcome: 'SUCCESS',
        },
      ]),
    );
  });

  it('an exception past its review date, before the hourly review suspends the room: already the status alone', async () => {
    const { roomId, subjectId } = await joinedRoom(himi);
    // Rooms' sharing view as the subject-sharing-changed job leaves it for an exception whose review date has passed.
    await refreshSubjectSharing(t.db.prisma, {
      subjectId,
      allowed: true,
      basis: 'LIFE_OR_BODY',
      validThrough: '2020-01-01',
      eventAt: new Date(),
    });
    await statusOnly(himi, roomId, 'suspended');
    expect((await t.db.prisma.room.findUniqueOrThrow({ where: { id: roomId } })).status).toBe('OPEN');
  });

  it('a closed room: inactive, without its period or participants', async () => {
    const { roomId } = await joinedRoom(himi);
    expect((await as(t, hm)(d.closeRoom, { r: roomId })).errors).toBeUndefined();
    await statusOnly(himi, roomId, 'inactive');
  });

  it('another partner’s Task, by id or identifier, and a room it has no part in: the same answer as unknown ones, each attempt recorded as DENIED', async () => {
    const { roomId, subjectId, taskId, identifier } = await joinedRoom(himi);
    const unknownTask = randomUUID();
    const unknownRoom = randomUUID();

    const otherTask = await get(imizu, `/Task/${taskId}`);
    const noTask = await get(imizu, `/Task/${unknownTask}`);
    expect(otherTask.status).toBe(404);
    expect(otherTask.json).toEqual(noTask.json);
    expect(otherTask.json.issue[0].details.coding[0].code).toBe('NOT_FOUND');
    expect(validateR4(otherTask.json)).toEqual({ valid: true });

    const otherTeam = await get(imizu, `/CareTeam/${roomId}`);
    const noTeam = await get(imizu, `/CareTeam/${unknownRoom}`);
    expect(otherTeam.status).toBe(404);
    expect(otherTeam.json).toEqual(noTeam.json);

    const search = (value: string) =>
      get(imizu, `/Task?identifier=${encodeURIComponent(`${identifier.system}|${value}`)}`);
    const otherSearch = await search(identifier.value);
    const noSearch = await search(randomUUID());
    expect(otherSearch.status).toBe(200);
    // The same Bundle but for its self link, which only echoes each search's own query.
    const withoutSelf = ({ link: _link, ...bundle }: Record<string, unknown>) => bundle;
    expect(withoutSelf(otherSearch.json)).toEqual(withoutSelf(noSearch.json));
    expect(otherSearch.json.link).toEqual([
      {
        relation: 'self',
        url: `${base}/Task?identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`,
      },
    ]);
    expect(otherSearch.json).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });

    const denied = await records({ actorRole: `PARTNER:${imizu.id}`, action: 'DENIED' });
    const attempt = (what: string, room: string | null, subject: string | null) => ({
      actorId: null,
      actorRole: `PARTNER:${imizu.id}`,
      roomId: room,
      subjectId: subject,
      action: 'DENIED',
      what,
      outcome: 'NOT_FOUND',
    });
    expect(denied).toEqual([
      attempt(`task.read#${taskId}`, roomId, subjectId),
      attempt(`task.read#${unknownTask}`, null, null),
      attempt(`care-team.read#${roomId}`, roomId, subjectId),
      attempt(`care-team.read#${unknownRoom}`, null, null),
      attempt(`task.search#${taskId}`, roomId, subjectId),
    ]);
    // himi's own reads are unaffected, and the chain still verifies.
    expect((await get(himi, `/Task/${taskId}`)).status).toBe(200);
    expect(await verifyRoomsChain(t.db.prisma)).toMatchObject({ ok: true });
  });

  it('a malformed id: the same 404, recorded without the partner’s text', async () => {
    const before = await records({ actorRole: `PARTNER:${imizu.id}`, action: 'DENIED' });
    expect((await get(imizu, '/Task/not-a-task-id')).status).toBe(404);
    expect((await get(imizu, '/CareTeam/not-a-room')).status).toBe(404);
    const after = await records({ actorRole: `PARTNER:${imizu.id}`, action: 'DENIED' });
    expect(after.slice(before.length).map((r) => r.what)).toEqual(['task.read#malformed', 'care-team.read#malformed']);
  });
});
