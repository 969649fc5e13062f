// Disclosure (appendix 5) through the real gateway: a request is recorded,
// the system admin exports the report as JSON and CSV through the HTTP
// route, and the report lists exactly the access records the three
// subgraphs hold for the subject up to the export's instant (counted here
// straight from the tables), none of another subject's, and the export
// itself is audited. Withheld parts are left out and listed with their
// ground. Refusals and bad input: disclosure-refusals.test.ts.
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const d = {
  register: `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }`,
  openRoom: `mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "部屋", memberIds: $m }) { id } }`,
  post: `mutation($r: ID!, $b: String!) { createPost(roomId: $r, category: MEDICAL, body: $b) { id } }`,
  timeline: `query($r: ID!) { room(id: $r) { timeline { items { id } } } }`,
  record: `mutation($input: DisclosureRequestInput!) { recordDisclosureRequest(input: $input) { id status requestedBy relationship subject { id } } }`,
  withhold: `mutation($r: ID!, $input: WithholdDisclosurePartInput!) { withholdDisclosurePart(requestId: $r, input: $input) { id withheld { part ground reason decidedBy } } }`,
  preview: `query($r: ID!) { disclosureRequest(id: $r) { status exports { id format } report { asOf withheldParts
    consentAccesses { seq what } roomsAccesses { seq what } identityAccesses { seq what } } } }`,
  list: `query($s: ID) { disclosureRequests(subjectId: $s) { items { id status } nextCursor } }`,
};

type Access = {
  source: string;
  seq: string;
  at: string;
  actor: { id: string; name: string } | null;
  what: string;
  roomId: string | null;
};

describe('disclosure report (appendix 5)', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let member: Actor;
  let subjectId: string;
  let otherSubjectId: string;
  let roomId: string;
  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor.headers);
  const exportFile = (actor: Actor, requestId: string, format: string) =>
    fetch(`${t.system.gateway.url}/disclosure-reports/${requestId}/export?format=${format}`, {
      method: 'POST',
      headers: actor.headers,
    });

  async function registerSubject(nameKana: string): Promise<string> {
    const registered = await as(hm, d.register, {
      input: { name: '高岡 太郎', nameKana, birthDate: '1940-04-01', category: 'RECEIVING_HOME_SUPPORT' },
    });
    expect(registered.errors).toBeUndefined();
    return subjectWithConsent(t, hm, registered.data?.registerSubject.id as string);
  }

  async function withRoomActivity(subject: string): Promise<string> {
    const opened = await as(hm, d.openRoom, { s: subject, m: [member.userId] });
    expect(opened.errors).toBeUndefined();
    const id = opened.data?.openRoom.id as string;
    expect((await as(member, d.post, { r: id, b: '訪問しました' })).errors).toBeUndefined();
    expect((await as(member, d.timeline, { r: id })).errors).toBeUndefined();
    return id;
  }

  async function recordRequest(subject: string): Promise<string> {
    const recorded = await as(hm, d.record, {
      input: {
        subjectId: subject,
        requestedBy: 'FAMILY',
        requesterName: '高岡 一郎',
        relationship: '長男',
        receivedVia: '窓口 (長寿福祉課)',
        receivedOn: '2026-01-05',
      },
    });
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data?.recordDisclosureRequest).toMatchObject({
      status: 'RECEIVED',
      requestedBy: 'FAMILY',
      relationship: '長男',
      subject: { id: subject },
    });
    return recorded.data?.recordDisclosureRequest.id as string;
  }

  /** What the tables hold for the subject up to asOf, per source, as sequence numbers. */
  async function heldUpTo(subject: string, asOf: Date) {
    const p = t.db.prisma;
    const at = { lte: asOf };
    const [rooms, consent, identity] = await Promise.all([
      p.roomsAccessRecord.findMany({
        where: { subjectId: subject, at },
        orderBy: { seq: 'asc' },
        select: { seq: true },
      }),
      p.consentAccessRecord.findMany({
        where: { subjectId: subject, at },
        orderBy: { seq: 'asc' },
        select: { seq: true },
      }),
      p.auditEvent.findMany({
        where: { targetType: 'Subject', targetId: subject, at },
        orderBy: { id: 'asc' },
        select: { id: true },
      }),
    ]);
    return {
      ROOMS: rooms.map((r) => r.seq.toString()),
      CONSENT: consent.map((r) => r.seq.toString()),
      IDENTITY: identity.map((r) => r.id.toString()),
    };
  }

  const seqs = (list: Array<{ seq: string }> | null) => (list ?? []).map((a) => a.seq);

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    member = await actorWithRole(t, 'USER');
    subjectId = await registerSubject('タカオカ タロウ');
    otherSubjectId = await registerSubject('タカオカ ハナコ');
    roomId = await withRoomActivity(subjectId);
    await withRoomActivity(otherSubjectId);
  });
  afterAll(() => t.stop());

  it('exports the report as JSON listing exactly the accesses the three trails hold for the subject, and audits the export', async () => {
    const requestId = await recordRequest(subjectId);
    const response = await exportFile(sa, requestId, 'json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="disclosure-${requestId}-\\d{8}T\\d{6}\\.json"$`),
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const report = (await response.json()) as Record<string, any>;
    expect(report).toMatchObject({
      requestId,
      subjectId,
      withheldParts: [],
      withheld: [],
      request: { id: requestId, status: 'REPORTED' },
    });
    expect(report.asOf).toBe(report.export.exportedAt);

    // Exactly the records with at <= asOf, source by source, and so none of the other subject's.
    const held = await heldUpTo(subjectId, new Date(report.asOf));
    expect({
      ROOMS: seqs(report.roomsAccesses),
      CONSENT: seqs(report.consentAccesses),
      IDENTITY: seqs(report.identityAccesses),
    }).toEqual(held);
    expect(held.ROOMS.length).toBeGreaterThanOrEqual(4);
    const others = await heldUpTo(otherSubjectId, new Date(report.asOf));
    expect(seqs(report.roomsAccesses).filter((s) => others.ROOMS.includes(s))).toEqual([]);

    // Who, what, which room, when: the member's timeline read names the member.
    const read = (report.roomsAccesses as Access[]).find((a) => a.what === 'timeline');
    expect(read).toMatchObject({
      source: 'ROOMS',
      roomId,
      actor: { id: member.userId, name: expect.stringContaining('USER') },
    });
    expect((report.identityAccesses as Access[]).map((a) => a.what)).toContain('subject.register');

    // The data held: the Art. 5 record, consent, the room without post bodies.
    expect(report.subjectRecord).toMatchObject({
      id: subjectId,
      nameKana: 'タカオカ タロウ',
      category: 'RECEIVING_HOME_SUPPORT',
    });
    expect(report.consentRecords).toHaveLength(1);
    expect(report.rooms).toEqual([
      expect.objectContaining({
        id: roomId,
        status: 'OPEN',
        memberCount: 1,
        postsByCategory: [{ category: 'MEDICAL', count: 1 }],
      }),
    ]);
    expect(JSON.stringify(report)).not.toContain('訪問しました');

    // The export is audited: a row, the request REPORTED, and the export's own record listed last in consent's part.
    const exports = await t.db.prisma.disclosureExport.findMany({ where: { requestId } });
    expect(exports).toEqual([expect.objectContaining({ id: report.export.id, format: 'JSON', exportedBy: sa.userId })]);
    expect((await t.db.prisma.disclosureRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe(
      'REPORTED',
    );
    const exportRecord = (report.consentAccesses as Access[]).at(-1);
    expect(exportRecord).toMatchObject({ what: 'exportDisclosureReport', at: report.asOf, actor: { id: sa.userId } });

    // Rooms and identity recorded producing their parts after asOf: the next report lists them.
    expect(
      await t.db.prisma.roomsAccessRecord.count({
        where: { subjectId, what: 'disclosure-report', actorId: sa.userId },
      }),
    ).toBe(1);
    expect(
      await t.db.prisma.auditEvent.count({
        where: { targetId: subjectId, action: 'disclosure.produce', outcome: 'SUCCESS' },
      }),
    ).toBe(1);
    const preview = await as(sa, d.preview, { r: requestId });
    expect(preview.errors).toBeUndefined();
    const again = preview.data?.disclosureRequest.report;
    expect(again.roomsAccesses.map((a: { what: string }) => a.what)).toContain('disclosure-report');
    expect(again.identityAccesses.map((a: { what: string }) => a.what)).toContain('disclosure.produce');
    const heldNow = await heldUpTo(subjectId, new Date(again.asOf));
    expect({
      ROOMS: seqs(again.roomsAccesses),
      CONSENT: seqs(again.consentAccesses),
      IDENTITY: seqs(again.identityAccesses),
    }).toEqual(heldNow);
    expect(preview.data?.disclosureRequest.exports).toEqual([{ id: report.export.id, format: 'JSON' }]);
  });

  it('leaves out withheld parts, listing each with its legal ground, and exports CSV for Excel', async () => {
    const requestId = await recordRequest(subjectId);
    const withheld = await as(sa, d.withhold, {
      r: requestId,
      input: { part: 'ROOMS', ground: 'ELDER_ABUSE', reason: '虐待対応中のため, 部屋の情報は開示しない' },
    });
    expect(withheld.errors).toBeUndefined();
    expect(withheld.data?.withholdDisclosurePart.withheld).toEqual([
      {
        part: 'ROOMS',
        ground: 'ELDER_ABUSE',
        reason: '虐待対応中のため, 部屋の情報は開示しない',
        decidedBy: sa.userId,
      },
    ]);
    expect(
      (
        await as(sa, d.withhold, {
          r: requestId,
          input: { part: 'LEGAL_EXCEPTIONS', ground: 'VIOLATES_OTHER_LAW', reason: '他法令' },
        })
      ).errors,
    ).toBeUndefined();

    const response = await exportFile(sa, requestId, 'CSV');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="disclosure-.*\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(bytes)
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    const sections = lines.slice(1).map((line) => line.split(',')[0]);
    expect(lines[0]).toBe('section,item,at,actor_id,actor_name,actor_role,action,what,outcome,room_id,detail');
    expect(sections).not.toContain('room');
    expect(sections).not.toContain('legal_exception');
    expect(sections.filter((s) => s === 'withheld')).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('withheld,ROOMS,'))).toContain(
      ',ELDER_ABUSE,,,,"虐待対応中のため, 部屋の情報は開示しない"',
    );

    // The access rows are exactly what the trails hold up to the export (the CSV has no asOf column: it is the export's time).
    const exported = await t.db.prisma.disclosureExport.findFirstOrThrow({ where: { requestId } });
    expect(exported.format).toBe('CSV');
    const held = await heldUpTo(subjectId, exported.exportedAt);
    const accessItems = lines.filter((l) => l.startsWith('access,')).map((l) => l.split(',')[1]);
    expect(accessItems.sort()).toEqual(
      [
        ...held.ROOMS.map((s) => `ROOMS:${s}`),
        ...held.CONSENT.map((s) => `CONSENT:${s}`),
        ...held.IDENTITY.map((s) => `IDENTITY:${s}`),
      ].sort(),
    );

    // Reported: nothing more may be withheld.
    expect(
      errorCodes(
        await as(sa, d.withhold, {
          r: requestId,
          input: { part: 'CONSENT', ground: 'VIOLATES_OTHER_LAW', reason: 'x' },
        }),
      ),
    ).toEqual(['ILLEGAL_TRANSITION']);
    expect(await t.db.prisma.disclosureWithholding.count({ where: { requestId } })).toBe(2);
  });

  it("withholding the access history leaves every subgraph's list out", async () => {
    const requestId = await recordRequest(otherSubjectId);
    expect(
      (
        await as(sa, d.withhold, {
          r: requestId,
          input: { part: 'ACCESS_HISTORY', ground: 'CHILD_REQUIRING_PROTECTION', reason: '要保護児童' },
        })
      ).errors,
    ).toBeUndefined();
    const preview = await as(sa, d.preview, { r: requestId });
    expect(preview.errors).toBeUndefined();
    expect(preview.data?.disclosureRequest.report).toMatchObject({
      withheldParts: ['ACCESS_HISTORY'],
      consentAccesses: null,
      roomsAccesses: null,
      identityAccesses: null,
    });
  });

  it('refuses a request for an id identity does not hold (NOT_FOUND) and records nothing', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const before = await t.db.prisma.disclosureRequest.count();
    const refused = await as(hm, d.record, {
      input: { subjectId: unknown, requestedBy: 'SUBJECT', receivedVia: '窓口', receivedOn: '2026-01-05' },
    });
    expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
    expect(await t.db.prisma.disclosureRequest.count()).toBe(before);
    expect(await t.db.prisma.consentAccessRecord.count({ where: { subjectId: unknown } })).toBe(0);
  });

  it('lists requests for the system admin, newest first, filtered by subject', async () => {
    const listed = await as(sa, d.list, { s: otherSubjectId });
    expect(listed.errors).toBeUndefined();
    const ids = (
      await t.db.prisma.disclosureRequest.findMany({
        where: { subjectId: otherSubjectId },
        orderBy: { recordedAt: 'desc' },
      })
    ).map((r) => r.id);
    expect(listed.data?.disclosureRequests.items.map((r: { id: string }) => r.id)).toEqual(ids);
    expect((await as(sa, d.list)).data?.disclosureRequests.items.length).toBeGreaterThanOrEqual(3);
  });

  it('the consent chain still verifies after all of it', async () => {
    const verified = await as(sa, `{ verifyConsentAccessChain { ok } verifyRoomsAccessChain { ok } }`);
    expect(verified.data).toEqual({ verifyConsentAccessChain: { ok: true }, verifyRoomsAccessChain: { ok: true } });
  });
});
