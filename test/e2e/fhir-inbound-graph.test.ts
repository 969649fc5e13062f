// The graph side of inbound joins (Art. 20-2): who may issue and revoke share
// codes (a manager of the room: its opener, the system admin), who sees and
// decides partners' join requests (system admin; the admin/hospital manager
// who opened the room), and who removes external participants. Every
// refusal and bad input answers its stable code and changes nothing.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { as, firstError } from '../support/identity-fixtures';
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
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  issue: `mutation($r: ID!, $p: ID!, $days: Int) { issueRoomShareCode(roomId: $r, partnerId: $p, expiresInDays: $days) { code shareCode { id status expiresAt issuedBy { id } } } }`,
  revoke: `mutation($id: ID!) { revokeRoomShareCode(id: $id) { id status revokedBy { id } } }`,
  shareCodes: `query($r: ID!) { room(id: $r) { shareCodes { id status } } }`,
  closeRoom: `mutation($r: ID!) { closeRoom(roomId: $r, reason: MOVED) { status } }`,
  requests: `{ inboundJoinRequests { id correlationId status } }`,
  request: `query($id: ID!) { inboundJoinRequest(id: $id) { id status } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status externalParticipant { id } } }`,
  reject: `mutation($id: ID!, $reason: String!) { rejectInboundJoin(id: $id, reason: $reason) { id status } }`,
  participants: `query($r: ID!) { room(id: $r) { externalParticipants { id } } }`,
  remove: `mutation($id: ID!, $reason: String!) { removeExternalParticipant(id: $id, reason: $reason) { id removedAt } }`,
};

describe('inbound joins in the graph: permissions and bad input', () => {
  let t: TestSystem;
  let sa: Actor;
  let opener: Actor;
  let otherManager: Actor;
  let user: Actor;
  let fm: Actor;
  let himi: SimulatedPartner;
  let roomId: string;
  let requestId: string;

  async function pendingRequest(): Promise<string> {
    const { code } = await issueShareCodeAs(t, opener, roomId, himi);
    const base = t.system.exchange.fhirBaseUrl;
    const created = await fhirRequest(base, 'POST', '/Task', {
      token: await partnerJwt(himi, base),
      body: joinTaskFrom(himi, code),
    });
    expect(created.status).toBe(201);
    const request = await eventually(
      async () =>
        ((await as(t, opener)(d.requests)).data?.inboundJoinRequests ?? []).find(
          (r: { correlationId: string }) => r.correlationId === created.json.id,
        ),
      (r) => r !== undefined,
    );
    return request.id;
  }

  /** The request answers `code` (and `field`) and the inbound tables are unchanged. */
  async function expectRefused(
    actor: Actor,
    query: string,
    variables: Record<string, unknown>,
    code: string,
    field?: string,
  ) {
    const before = await inboundRowCounts(t);
    const states = await t.db.prisma.inboundJoinRequest.findMany({
      orderBy: { id: 'asc' },
      select: { id: true, status: true },
    });
    const response = await as(t, actor)(query, variables);
    expect(firstError(response)?.extensions?.code).toBe(code);
    if (field) expect(firstError(response)?.extensions?.field).toBe(field);
    expect(await inboundRowCounts(t)).toEqual(before);
    expect(
      await t.db.prisma.inboundJoinRequest.findMany({ orderBy: { id: 'asc' }, select: { id: true, status: true } }),
    ).toEqual(states);
  }

  beforeAll(async () => {
    t = await startTestSystem({ workers: true });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    opener = await actorWithRole(t, 'HOSPITAL_MANAGER');
    otherManager = await actorWithRole(t, 'ADMIN_MANAGER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    himi = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
    roomId = await openRoomAs(t, opener);
    requestId = await pendingRequest();
  });
  afterAll(() => t?.stop());

  describe('share codes', () => {
    it('the opener issues one (14 days by default, shown once) and the system admin may too', async () => {
      const issued = await as(t, opener)(d.issue, { r: roomId, p: himi.id });
      expect(issued.errors).toBeUndefined();
      const { code, shareCode } = issued.data!.issueRoomShareCode;
      expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(shareCode).toMatchObject({ status: 'ACTIVE', issuedBy: { id: opener.userId } });
      const days = (new Date(shareCode.expiresAt).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(13.9);
      expect(days).toBeLessThanOrEqual(14);
      expect((await as(t, sa)(d.issue, { r: roomId, p: himi.id, days: 3 })).errors).toBeUndefined();
      const listed = await as(t, opener)(d.shareCodes, { r: roomId });
      expect(JSON.stringify(listed.data)).not.toContain(code);
    });

    it.each([
      ['another manager', () => otherManager, 'FORBIDDEN'],
      ['a user', () => user, 'FORBIDDEN'],
    ])('refuses %s issuing, revoking or listing', async (_label, who, code) => {
      await expectRefused(who(), d.issue, { r: roomId, p: himi.id }, code);
      const mine = await issueShareCodeAs(t, opener, roomId, himi);
      await expectRefused(who(), d.revoke, { id: mine.id }, code);
      expect(firstError(await as(t, who())(d.shareCodes, { r: roomId }))?.extensions?.code).toBe(code);
    });

    it.each([
      ['a lifetime of 0 days', { days: 0 }, 'BAD_USER_INPUT', 'expiresInDays'],
      ['a lifetime beyond 90 days', { days: 91 }, 'BAD_USER_INPUT', 'expiresInDays'],
      ['a partner id that is no id', { p: 'himi' }, 'BAD_USER_INPUT', 'partnerId'],
      ['an unknown room', { r: randomUUID() }, 'NOT_FOUND', undefined],
    ])('refuses %s', async (_label, change, code, field) => {
      await expectRefused(opener, d.issue, { r: roomId, p: himi.id, ...change }, code, field);
    });

    it('refuses a share code for a partner rooms does not know (NOT_FOUND)', async () => {
      const before = await t.db.prisma.roomShareCode.count();
      await expectRefused(opener, d.issue, { r: roomId, p: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND');
      expect(await t.db.prisma.roomShareCode.count()).toBe(before);
    });

    it('revokes (recording who), and revoking again changes nothing', async () => {
      const mine = await issueShareCodeAs(t, opener, roomId, himi);
      const revoked = await as(t, opener)(d.revoke, { id: mine.id });
      expect(revoked.data?.revokeRoomShareCode).toEqual({
        id: mine.id,
        status: 'REVOKED',
        revokedBy: { id: opener.userId },
      });
      expect((await as(t, opener)(d.revoke, { id: mine.id })).data?.revokeRoomShareCode.status).toBe('REVOKED');
      await expectRefused(opener, d.revoke, { id: randomUUID() }, 'NOT_FOUND');
    });
  });

  describe('join requests', () => {
    it('shows a request to the opener and the system admin only', async () => {
      expect((await as(t, sa)(d.requests)).data?.inboundJoinRequests.map((r: { id: string }) => r.id)).toContain(
        requestId,
      );
      expect((await as(t, otherManager)(d.requests)).data?.inboundJoinRequests).toEqual([]);
      expect(firstError(await as(t, user)(d.requests))?.extensions?.code).toBe('FORBIDDEN');
      expect(firstError(await as(t, fm)(d.requests))?.extensions?.code).toBe('FORBIDDEN');
      expect(firstError(await as(t, otherManager)(d.request, { id: requestId }))?.extensions?.code).toBe('FORBIDDEN');
      expect((await as(t, opener)(d.request, { id: requestId })).data?.inboundJoinRequest).toEqual({
        id: requestId,
        status: 'PENDING',
      });
    });

    it('refuses deciding to anyone but a manager of the room, and bad reasons', async () => {
      await expectRefused(otherManager, d.approve, { id: requestId }, 'FORBIDDEN');
      await expectRefused(otherManager, d.reject, { id: requestId, reason: 'no' }, 'FORBIDDEN');
      await expectRefused(user, d.approve, { id: requestId }, 'FORBIDDEN');
      await expectRefused(opener, d.reject, { id: requestId, reason: '   ' }, 'BAD_USER_INPUT', 'reason');
      await expectRefused(opener, d.reject, { id: requestId, reason: 'x'.repeat(1001) }, 'BAD_USER_INPUT', 'reason');
      await expectRefused(opener, d.approve, { id: 'nope' }, 'BAD_USER_INPUT', 'id');
      await expectRefused(opener, d.approve, { id: randomUUID() }, 'NOT_FOUND');
    });

    it('the system admin approves; the participant is removed once (then CONFLICT), only by a manager', async () => {
      const approved = await as(t, sa)(d.approve, { id: requestId });
      expect(approved.data?.approveInboundJoin.status).toBe('APPROVED');
      const participantId = approved.data?.approveInboundJoin.externalParticipant.id;
      await expectRefused(opener, d.approve, { id: requestId }, 'ILLEGAL_TRANSITION');
      await expectRefused(otherManager, d.remove, { id: participantId, reason: '終了' }, 'FORBIDDEN');
      await expectRefused(opener, d.remove, { id: participantId, reason: '' }, 'BAD_USER_INPUT', 'reason');
      expect((await as(t, opener)(d.remove, { id: participantId, reason: '支援終了' })).errors).toBeUndefined();
      await expectRefused(opener, d.remove, { id: participantId, reason: '支援終了' }, 'CONFLICT');
      expect((await as(t, opener)(d.participants, { r: roomId })).data?.room.externalParticipants).toEqual([]);
    });

    it('a closed room takes no approvals and no share codes; its pending requests were rejected by the closing', async () => {
      const pending = await pendingRequest();
      expect((await as(t, opener)(d.closeRoom, { r: roomId })).errors).toBeUndefined();
      expect(await t.db.prisma.inboundJoinRequest.findUniqueOrThrow({ where: { id: pending } })).toMatchObject({
        status: 'REJECTED',
        decisionReason: 'the room was closed',
        decidedBy: opener.userId,
      });
      await expectRefused(opener, d.approve, { id: pending }, 'ILLEGAL_TRANSITION');
      await expectRefused(opener, d.issue, { r: roomId, p: himi.id }, 'ILLEGAL_TRANSITION');
      await expectRefused(otherManager, d.reject, { id: pending, reason: '部屋は閉鎖済み' }, 'FORBIDDEN');
      await expectRefused(opener, d.reject, { id: pending, reason: '部屋は閉鎖済み' }, 'ILLEGAL_TRANSITION');
    });
  });
});
