// Break-glass emergency access through the real gateway (emergency/ in the
// rooms subgraph): without one a grantee is refused; declared, the grantee
// reads the subject's rooms and every read is flagged in the chained access
// records; expired or ended early, refused again; reviewed afterwards by a
// system admin. Expiry is simulated by moving a declaration's window into
// the past in the database: the system's clock is shared with identity's
// sessions, which advancing it would sign out.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { captureLogger, type CapturedLog } from '../support/capture-logger';
import { errorCodes, graphql } from '../support/graphql-client';
import { syncCare } from '../support/directory-fixtures';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  openRoom: `mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "部屋", memberIds: $m }) { id } }`,
  post: `mutation($r: ID!, $b: String!) { createPost(roomId: $r, category: MEDICAL, body: $b) { id } }`,
  timeline: `query($r: ID!) { room(id: $r) { id timeline { items { id body } } } }`,
  roomPage: `query($r: ID!) { room(id: $r) { id title members { user { id } } meetings { id } } }`,
  markRead: `mutation($p: ID!) { markPostRead(postId: $p) { id } }`,
  notices: `query($r: ID!) { room(id: $r) { notices { kind message } } }`,
  declare: `mutation($input: DeclareEmergencyAccessInput!) { declareEmergencyAccess(input: $input) {
    id subjectId reason justification status declaredAt endsAt grantees { id } declaredBy { id } rooms { id } } }`,
  end: `mutation($id: ID!) { endEmergencyAccess(id: $id) { id status endedAt endedBy { id } } }`,
  review: `mutation($id: ID!, $f: String!) { recordEmergencyAccessReview(id: $id, findings: $f) {
    id status reviewedAt reviewedBy { id } findings } }`,
  list: `query($open: Boolean) { emergencyAccesses(openReviewsOnly: $open) { id status } }`,
  counts: `{ active: emergencyAccessCount(status: ACTIVE) reviews: emergencyAccessCount(status: REVIEW_DUE) }`,
  mine: `{ myEmergencyAccesses { id status justification rooms { id } } }`,
  verify: `{ verifyRoomsAccessChain { ok records } }`,
  recordRequest: `mutation($input: DisclosureRequestInput!) { recordDisclosureRequest(input: $input) { id } }`,
  report: `query($r: ID!) { disclosureRequest(id: $r) { report { roomsAccesses { seq what }
    emergencyAccesses { id reason grantees { id } records { seq action what actor { id } roomId } } } } }`,
};

describe('break-glass emergency access through the gateway', () => {
  let t: TestSystem;
  let log: CapturedLog;
  let sa: Actor;
  let sa2: Actor;
  let opener: Actor;
  let member: Actor;
  let grantee: Actor;
  let bystander: Actor;

  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  const emergencyRows = () => t.db.prisma.emergencyAccess.count();
  const records = (where: Record<string, unknown>) =>
    t.db.prisma.roomsAccessRecord.findMany({ where, orderBy: { seq: 'asc' } });

  /** A subject with one open room (the opener manages it; `member` posts in it). */
  async function subjectWithRoom() {
    const subjectId = await subjectWithConsent(t, opener);
    const opened = await as(opener, d.openRoom, { s: subjectId, m: [member.userId] });
    expect(opened.errors).toBeUndefined();
    const roomId = opened.data?.openRoom.id as string;
    const posted = await as(member, d.post, { r: roomId, b: '訪問しました' });
    expect(posted.errors).toBeUndefined();
    return { subjectId, roomId, postId: posted.data?.createPost.id as string };
  }

  async function declare(subjectId: string, over: Record<string, unknown> = {}, actor = sa) {
    return as(actor, d.declare, {
      input: {
        subjectId,
        reason: 'DISASTER',
        justification: '地震で避難所に移動。担当者に連絡が取れない',
        granteeIds: [grantee.userId],
        hours: 24,
        ...over,
      },
    });
  }

  /** Moves a declaration's whole window `hours` into the past (the window stays within 72 hours). */
  async function shiftIntoPast(id: string, hours: number) {
    const ms = hours * 3_600_000;
    const row = await t.db.prisma.emergencyAccess.findUniqueOrThrow({ where: { id } });
    await t.db.prisma.emergencyAccess.update({
      where: { id },
      data: { declaredAt: new Date(row.declaredAt.getTime() - ms), endsAt: new Date(row.endsAt.getTime() - ms) },
    });
  }

  beforeAll(async () => {
    log = captureLogger('warn');
    t = await startTestSystem({ logger: log.logger });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    sa2 = await actorWithRole(t, 'SYSTEM_ADMIN');
    opener = await actorWithRole(t, 'HOSPITAL_MANAGER');
    member = await actorWithRole(t, 'USER');
    grantee = await actorWithRole(t, 'USER');
    bystander = await actorWithRole(t, 'USER');
  });
  afterAll(() => t.stop());

  it('refuses a grantee before any declaration: FORBIDDEN, nothing returned', async () => {
    const { roomId } = await subjectWithRoom();
    const refused = await as(grantee, d.timeline, { r: roomId });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.data?.room).toBeNull();
    expect((await as(grantee, d.mine)).data?.myEmergencyAccesses).toEqual([]);
  });

  it('declared: alerts at once, the grantee reads (flagged, chain intact) but never writes; others stay refused', async () => {
    const { subjectId, roomId, postId } = await subjectWithRoom();
    const since = log.lines.length;
    const declared = await declare(subjectId);
    expect(declared.errors).toBeUndefined();
    const access = declared.data?.declareEmergencyAccess;
    expect(access).toMatchObject({
      subjectId,
      reason: 'DISASTER',
      status: 'ACTIVE',
      grantees: [{ id: grantee.userId }],
      declaredBy: { id: sa.userId },
      rooms: [{ id: roomId }],
    });
    expect(new Date(access.endsAt).getTime() - new Date(access.declaredAt).getTime()).toBe(24 * 3_600_000);

    // The alert: a warning with the stable event name and ids only (no justification), ...
    const line = await log.waitFor((l) => l.event === 'emergency_access.declared', since);
    expect(line).toMatchObject({ level: 40, emergencyAccessId: access.id, subjectId, declaredBy: sa.userId });
    expect(JSON.stringify(line)).not.toContain('地震');
    // ... a notice on the room for its managers (the opener and every system admin), ...
    for (const manager of [opener, sa2]) {
      const notices = await as(manager, d.notices, { r: roomId });
      expect(notices.errors).toBeUndefined();
      expect(notices.data?.room.notices.map((n: { kind: string }) => n.kind)).toContain('EMERGENCY_ACCESS');
    }
    // ... and the access listed for every system admin.
    const listed = await as(sa2, d.list, { open: false });
    expect(listed.data?.emergencyAccesses).toContainEqual({ id: access.id, status: 'ACTIVE' });
    expect((await as(sa2, d.counts)).data).toEqual({ active: 1, reviews: 0 });

    // The grantee finds the room and reads it.
    const mine = await as(grantee, d.mine);
    expect(mine.data?.myEmergencyAccesses).toEqual([
      { id: access.id, status: 'ACTIVE', justification: null, rooms: [{ id: roomId }] },
    ]);
    const read = await as(grantee, d.timeline, { r: roomId });
    expect(read.errors).toBeUndefined();
    expect(read.data?.room.timeline.items).toEqual([{ id: postId, body: '訪問しました' }]);
    const page = await as(grantee, d.roomPage, { r: roomId });
    expect(page.errors).toBeUndefined();
    expect(page.data?.room.members).toEqual([{ user: { id: member.userId } }]);

    const flagged = await records({ actorId: grantee.userId, roomId, action: 'READ' });
    expect(flagged.map((r) => r.what).sort()).toEqual(['meetings', 'members', 'timeline']);
    for (const r of flagged) expect(r).toMatchObject({ subjectId, emergencyAccessId: access.id, outcome: 'SUCCESS' });
    expect(await records({ what: 'emergency-access.declare', emergencyAccessId: access.id })).toHaveLength(1);
    // A member's read is not flagged.
    expect((await as(member, d.timeline, { r: roomId })).errors).toBeUndefined();
    const memberRead = await records({ actorId: member.userId, roomId, action: 'READ', what: 'timeline' });
    expect(memberRead.at(-1)?.emergencyAccessId).toBeNull();
    expect((await as(sa, d.verify)).data?.verifyRoomsAccessChain.ok).toBe(true);

    // Never writes: no post, no read receipt; refusals recorded, nothing written.
    const posts = await t.db.prisma.post.count();
    const post = await as(grantee, d.post, { r: roomId, b: '追記' });
    expect(errorCodes(post)).toEqual(['FORBIDDEN']);
    expect(post.errors?.[0]?.message).toMatch(/emergency access reads the room only/);
    expect(errorCodes(await as(grantee, d.markRead, { p: postId }))).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.post.count()).toBe(posts);
    expect(await t.db.prisma.postRead.count({ where: { userId: grantee.userId } })).toBe(0);

    // Someone not named is still refused.
    expect(errorCodes(await as(bystander, d.timeline, { r: roomId }))).toEqual(['FORBIDDEN']);
  });

  it('lets the grantee see whose room it is while the access holds, and not once it has ended', async () => {
    const { subjectId, roomId } = await subjectWithRoom();
    const whose = `query($r: ID!) { room(id: $r) { id subject { id name } } }`;
    const record = `query($s: ID!) { subject(id: $s) { id name } }`;
    // Before: the grantee has no care relationship with the subject.
    expect(errorCodes(await as(grantee, record, { s: subjectId }))).toEqual(['FORBIDDEN']);
    const since = new Date();
    const id = (await declare(subjectId)).data?.declareEmergencyAccess.id as string;
    // The declaration announced a care change for the subject (the job recomputes its relationships) ...
    const announced = await t.db.prisma.roomsOutboxEvent.findMany({
      where: { type: 'care.changed', createdAt: { gte: since } },
    });
    expect(announced.map((e) => e.payload)).toContainEqual({ subjectId });
    // ... which the care-relationships-changed job does (run here, as the test system has no workers).
    await syncCare(t, subjectId);
    const read = await as(grantee, whose, { r: roomId });
    expect(read.errors).toBeUndefined();
    expect(read.data?.room.subject).toMatchObject({ id: subjectId, name: expect.stringMatching(/\S/) });
    expect((await as(grantee, record, { s: subjectId })).errors).toBeUndefined();
    // Identity's audit trail marks those reads as made under the emergency, for the review.
    const audited = await t.db.prisma.auditEvent.findMany({
      where: { actorId: grantee.userId, action: 'subject.read', targetId: subjectId, outcome: 'SUCCESS' },
    });
    expect(audited.map((e) => e.details)).toEqual([{ basis: 'EMERGENCY' }, { basis: 'EMERGENCY' }]);
    // A related reader's read is not marked.
    expect((await as(opener, record, { s: subjectId })).errors).toBeUndefined();
    const openerRead = await t.db.prisma.auditEvent.findFirst({
      where: { actorId: opener.userId, action: 'subject.read', targetId: subjectId },
      orderBy: { at: 'desc' },
    });
    expect(openerRead?.details).toEqual({});
    // Someone not named still sees nothing of the subject.
    expect(errorCodes(await as(bystander, record, { s: subjectId }))).toEqual(['FORBIDDEN']);

    const ended = await as(sa, d.end, { id });
    expect(ended.errors).toBeUndefined();
    await syncCare(t, subjectId);
    expect(errorCodes(await as(grantee, record, { s: subjectId }))).toEqual(['FORBIDDEN']);
  });

  it('refuses the grantee once the window has closed by itself, and the review is then due', async () => {
    const { subjectId, roomId } = await subjectWithRoom();
    const id = (await declare(subjectId, { hours: 1 })).data?.declareEmergencyAccess.id as string;
    expect((await as(grantee, d.timeline, { r: roomId })).errors).toBeUndefined();
    await shiftIntoPast(id, 2);
    expect(errorCodes(await as(grantee, d.timeline, { r: roomId }))).toEqual(['FORBIDDEN']);
    const mine = (await as(grantee, d.mine)).data?.myEmergencyAccesses as Array<{ id: string }>;
    expect(mine.map((a) => a.id)).not.toContain(id);
    const open = await as(sa2, d.list, { open: true });
    expect(open.data?.emergencyAccesses).toContainEqual({ id, status: 'REVIEW_DUE' });
    // Ending an access that already ended is an illegal transition and changes nothing.
    expect(errorCodes(await as(sa, d.end, { id }))).toEqual(['ILLEGAL_TRANSITION']);
    expect((await t.db.prisma.emergencyAccess.findUniqueOrThrow({ where: { id } })).endedAt).toBeNull();
    expect(await records({ actorId: sa.userId, action: 'DENIED', what: 'emergency-access.end' })).toMatchObject([
      { subjectId, outcome: 'ILLEGAL_TRANSITION' },
    ]);
    // The database holds the 72 hours too: no window may be stretched past them.
    const row = await t.db.prisma.emergencyAccess.findUniqueOrThrow({ where: { id } });
    await expect(
      t.db.prisma.emergencyAccess.update({
        where: { id },
        data: { endsAt: new Date(row.declaredAt.getTime() + 73 * 3_600_000) },
      }),
    ).rejects.toThrow(/emergency_access_window_check/);
  });

  it('ends early; the review is refused before the end and to a non-admin, recorded after, then no longer open', async () => {
    const { subjectId, roomId } = await subjectWithRoom();
    const id = (await declare(subjectId, { reason: 'URGENT_RISK_TO_LIFE_BODY_PROPERTY' })).data?.declareEmergencyAccess
      .id as string;

    const early = await as(sa, d.review, { id, f: '確認済み' });
    expect(errorCodes(early)).toEqual(['ILLEGAL_TRANSITION']);
    expect(errorCodes(await as(opener, d.end, { id }))).toEqual(['FORBIDDEN']);

    const ended = await as(sa2, d.end, { id });
    expect(ended.errors).toBeUndefined();
    expect(ended.data?.endEmergencyAccess).toMatchObject({ id, status: 'REVIEW_DUE', endedBy: { id: sa2.userId } });
    expect(errorCodes(await as(grantee, d.timeline, { r: roomId }))).toEqual(['FORBIDDEN']);
    expect((await as(sa, d.list, { open: true })).data?.emergencyAccesses).toContainEqual({ id, status: 'REVIEW_DUE' });

    expect(errorCodes(await as(opener, d.review, { id, f: '確認済み' }))).toEqual(['FORBIDDEN']);
    expect((await t.db.prisma.emergencyAccess.findUniqueOrThrow({ where: { id } })).reviewedAt).toBeNull();
    const reviewed = await as(sa, d.review, { id, f: '避難所での対応に必要な閲覧のみ。問題なし' });
    expect(reviewed.errors).toBeUndefined();
    expect(reviewed.data?.recordEmergencyAccessReview).toMatchObject({
      id,
      status: 'REVIEWED',
      reviewedBy: { id: sa.userId },
      findings: '避難所での対応に必要な閲覧のみ。問題なし',
    });
    expect(errorCodes(await as(sa, d.review, { id, f: 'もう一度' }))).toEqual(['ILLEGAL_TRANSITION']);
    const open = (await as(sa, d.list, { open: true })).data?.emergencyAccesses as Array<{ id: string }>;
    expect(open.map((a) => a.id)).not.toContain(id);
    const steps = await records({ emergencyAccessId: id, action: 'WRITE' });
    expect(steps.map((r) => r.what)).toEqual([
      'emergency-access.declare',
      'emergency-access.end',
      'emergency-access.review',
    ]);
    expect((await as(sa, d.verify)).data?.verifyRoomsAccessChain.ok).toBe(true);
  });

  it('the disclosure report shows the emergency access and the reads made under it', async () => {
    const { subjectId, roomId } = await subjectWithRoom();
    const id = (await declare(subjectId)).data?.declareEmergencyAccess.id as string;
    expect((await as(grantee, d.timeline, { r: roomId })).errors).toBeUndefined();
    const request = await as(sa, d.recordRequest, {
      input: {
        subjectId,
        requestedBy: 'SUBJECT',
        receivedVia: '窓口 (長寿福祉課)',
        receivedOn: '2026-01-05',
      },
    });
    expect(request.errors).toBeUndefined();
    const report = await as(sa, d.report, { r: request.data?.recordDisclosureRequest.id });
    expect(report.errors).toBeUndefined();
    const shown = report.data?.disclosureRequest.report.emergencyAccesses;
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ id, reason: 'DISASTER', grantees: [{ id: grantee.userId }] });
    expect(shown[0].records.map((r: { what: string }) => r.what)).toEqual(['emergency-access.declare', 'timeline']);
    expect(shown[0].records[1]).toMatchObject({ action: 'READ', actor: { id: grantee.userId }, roomId });

    // The file the subject receives shows it too: its own row, and the read naming it.
    const file = await fetch(
      `${t.system.gateway.url}/disclosure-reports/${request.data?.recordDisclosureRequest.id}/export?format=CSV`,
      { method: 'POST', headers: sa.headers },
    );
    expect(file.status).toBe(200);
    const lines = (await file.text()).split('\r\n');
    expect(lines.filter((l) => l.startsWith(`emergency_access,${id},`))).toHaveLength(1);
    const read = `ROOMS:${shown[0].records[1].seq}`;
    expect(lines.find((l) => l.startsWith(`access,${read},`))).toContain(id);
  });

  it('refuses bad input and a non-admin, writing nothing', async () => {
    const { subjectId } = await subjectWithRoom();
    const suspended = await actorWithRole(t, 'USER');
    await t.db.prisma.directoryUser.update({ where: { userId: suspended.userId }, data: { active: false } });
    const before = await emergencyRows();
    const notices = await t.db.prisma.roomNotice.count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ hours: 0 }, 'input.hours'],
      [{ hours: 73 }, 'input.hours'],
      [{ granteeIds: [randomUUID()] }, 'input.granteeIds'],
      [{ granteeIds: [suspended.userId] }, 'input.granteeIds'],
      [{ granteeIds: [] }, 'input.granteeIds'],
      [{ justification: '   ' }, 'input.justification'],
      [{ justification: 'x'.repeat(2001) }, 'input.justification'],
    ];
    for (const [over, field] of cases) {
      const refused = await declare(subjectId, over);
      expect({ over, codes: errorCodes(refused), field: refused.errors?.[0]?.extensions?.field }).toEqual({
        over,
        codes: ['BAD_USER_INPUT'],
        field,
      });
    }
    expect(errorCodes(await declare(subjectId, { reason: 'CURIOSITY' }))).toEqual(['BAD_USER_INPUT']);
    const noJustification = await as(sa, d.declare, {
      input: { subjectId, reason: 'DISASTER', granteeIds: [grantee.userId], hours: 1 },
    });
    expect(errorCodes(noJustification)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await declare(randomUUID()))).toEqual(['NOT_FOUND']);

    for (const actor of [opener, member, grantee]) {
      const refused = await declare(subjectId, {}, actor);
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0]?.message).toMatch(/Only the system administrator/);
    }
    expect(await emergencyRows()).toBe(before);
    expect(await t.db.prisma.roomNotice.count()).toBe(notices);
    const denied = await records({ actorId: opener.userId, action: 'DENIED', what: 'emergency-access.declare' });
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ subjectId, outcome: 'FORBIDDEN', emergencyAccessId: null });
    // Listing and counting are for system admins too.
    expect(errorCodes(await as(opener, d.list, { open: true }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(opener, d.counts))).toContain('FORBIDDEN');
  });
});
