// Disclosure (appendix 5): who may not, and bad input. Every refusal carries
// its code and changes nothing; a refused caller leaves a DENIED record
// (against the subject when the request id names one). Rooms and identity
// refuse their parts of the report by themselves too, whoever asks.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { registeredSubject } from '../support/directory-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';
import type { UserPrincipal } from '../../lib/access/principal';
import { createRoomsContext } from '../../subgraphs/rooms/context';
import { resolvers as roomsResolvers } from '../../subgraphs/rooms/resolvers';
import { createIdentityContext } from '../../subgraphs/identity/context';
import { resolvers as identityResolvers } from '../../subgraphs/identity/resolvers';

const d = {
  record: `mutation($input: DisclosureRequestInput!) { recordDisclosureRequest(input: $input) { id } }`,
  recordWithReport: `mutation($input: DisclosureRequestInput!) { recordDisclosureRequest(input: $input) { id report { asOf } } }`,
  withhold: `mutation($r: ID!, $input: WithholdDisclosurePartInput!) { withholdDisclosurePart(requestId: $r, input: $input) { id } }`,
  export: `mutation($r: ID!, $f: DisclosureFormat!) { exportDisclosureReport(requestId: $r, format: $f) { id } }`,
  one: `query($r: ID!) { disclosureRequest(id: $r) { id } }`,
  list: `query($first: Int, $after: String) { disclosureRequests(first: $first, after: $after) { items { id } } }`,
};

const family = (subjectId: string, overrides: Record<string, unknown> = {}) => ({
  subjectId,
  requestedBy: 'FAMILY',
  requesterName: '高岡 一郎',
  relationship: '長男',
  receivedVia: '郵送',
  receivedOn: '2026-01-05',
  ...overrides,
});

describe('disclosure refusals and bad input', () => {
  let t: TestSystem;
  let sa: Actor;
  let hm: Actor;
  let am: Actor;
  let user: Actor;
  let fm: Actor;
  const subjectId = randomUUID();
  let requestId: string;
  const as = (actor: Actor | null, query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor?.headers ?? {});
  const exportFile = (actor: Actor | null, id: string, format: string) =>
    fetch(`${t.system.gateway.url}/disclosure-reports/${id}/export?format=${format}`, {
      method: 'POST',
      headers: actor?.headers ?? {},
    });
  const p = () => t.db.prisma;
  /** Everything a disclosure write could change. */
  const state = async () => [
    await p().disclosureRequest.count(),
    await p().disclosureWithholding.count(),
    await p().disclosureExport.count(),
    (await p().disclosureRequest.findMany({ select: { status: true }, orderBy: { id: 'asc' } }))
      .map((r) => r.status)
      .join(),
    await p().consentAccessRecord.count({ where: { action: { not: 'DENIED' } } }),
  ];
  const denials = (what: string, actor: Actor) =>
    p().consentAccessRecord.findMany({ where: { what, actorId: actor.userId, action: 'DENIED' } });

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    am = await actorWithRole(t, 'ADMIN_MANAGER');
    user = await actorWithRole(t, 'USER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    await registeredSubject(t, subjectId);
    const recorded = await as(hm, d.record, { input: family(subjectId) });
    expect(recorded.errors).toBeUndefined();
    requestId = recorded.data?.recordDisclosureRequest.id as string;
  });
  afterAll(() => t.stop());

  it('lets the system, admin and hospital managers record a request, and no one else', async () => {
    expect((await as(am, d.record, { input: family(subjectId) })).errors).toBeUndefined();
    expect(
      (
        await as(sa, d.record, {
          input: family(subjectId, { requestedBy: 'SUBJECT', requesterName: null, relationship: null }),
        })
      ).errors,
    ).toBeUndefined();
    const before = await state();
    for (const actor of [user, fm]) {
      expect(errorCodes(await as(actor, d.record, { input: family(subjectId) }))).toEqual(['FORBIDDEN']);
      expect(await denials('recordDisclosureRequest', actor)).toEqual([
        expect.objectContaining({ subjectId, outcome: 'FORBIDDEN' }),
      ]);
    }
    expect(errorCodes(await as(null, d.record, { input: family(subjectId) }))).toEqual(['UNAUTHENTICATED']);
    expect(await state()).toEqual(before);
  });

  it('keeps requests, withholding and the report to the system admin', async () => {
    const before = await state();
    expect(errorCodes(await as(hm, d.list))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(hm, d.one, { r: requestId }))).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await as(hm, d.withhold, { r: requestId, input: { part: 'ROOMS', ground: 'ELDER_ABUSE', reason: 'x' } }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(hm, d.export, { r: requestId, f: 'JSON' }))).toEqual(['FORBIDDEN']);
    // The refusals are recorded against the request's subject.
    for (const what of ['disclosureRequest', 'withholdDisclosurePart', 'exportDisclosureReport']) {
      expect(await denials(what, hm)).toEqual([expect.objectContaining({ subjectId, outcome: 'FORBIDDEN' })]);
    }
    // Through the download route: 403 with the GraphQL code, as JSON, and nothing exported.
    const response = await exportFile(am, requestId, 'csv');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-disposition')).toBeNull();
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors.map(
        (e) => e.extensions.code,
      ),
    ).toEqual(['FORBIDDEN']);
    expect(await denials('exportDisclosureReport', am)).toEqual([
      expect.objectContaining({ subjectId, outcome: 'FORBIDDEN' }),
    ]);
    expect((await exportFile(null, requestId, 'csv')).status).toBe(401);
    expect(await state()).toEqual(before);
  });

  it('a recorder who asks for the report gets the request but not the report', async () => {
    const response = await as(hm, d.recordWithReport, { input: family(subjectId) });
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.errors?.[0]?.path).toEqual(['recordDisclosureRequest', 'report']);
    expect(await p().roomsAccessRecord.count({ where: { subjectId } })).toBe(0);
  });

  it('refuses bad request input with a clear code, writing nothing', async () => {
    const before = await state();
    const cases: Array<[Record<string, unknown>, string]> = [
      [family('not-a-uuid'), 'subjectId'],
      [family(subjectId, { relationship: null }), 'relationship'],
      [family(subjectId, { requesterName: '  ' }), 'requesterName'],
      [family(subjectId, { requestedBy: 'SUBJECT', requesterName: null }), 'relationship'],
      [family(subjectId, { receivedVia: 'あ'.repeat(201) }), 'receivedVia'],
      [family(subjectId, { receivedVia: ' ' }), 'receivedVia'],
      [family(subjectId, { receivedOn: '2999-01-01' }), 'receivedOn'],
      [family(subjectId, { receivedOn: '2026-02-30' }), 'receivedOn'],
      [family(subjectId, { relationship: 'x'.repeat(51) }), 'relationship'],
    ];
    for (const [input, field] of cases) {
      const response = await as(hm, d.record, { input });
      expect({ field, codes: errorCodes(response), got: response.errors?.[0]?.extensions?.field }).toEqual({
        field,
        codes: ['BAD_USER_INPUT'],
        got: field,
      });
    }
    expect(errorCodes(await as(hm, d.record, { input: family(subjectId, { requestedBy: 'NEIGHBOUR' }) }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await state()).toEqual(before);
  });

  it('refuses bad withholding, export and look-up input with a clear code, writing nothing', async () => {
    expect(
      (await as(sa, d.withhold, { r: requestId, input: { part: 'ROOMS', ground: 'ELDER_ABUSE', reason: '調査中' } }))
        .errors,
    ).toBeUndefined();
    const before = await state();
    const reason = 'x';
    expect(
      errorCodes(await as(sa, d.withhold, { r: requestId, input: { part: 'ROOMS', ground: 'DISASTER', reason } })),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await as(sa, d.withhold, { r: requestId, input: { part: 'ROOMS', ground: 'VIOLATES_OTHER_LAW', reason } }),
      ),
    ).toEqual(['CONFLICT']);
    expect(
      errorCodes(
        await as(sa, d.withhold, { r: randomUUID(), input: { part: 'CONSENT', ground: 'VIOLATES_OTHER_LAW', reason } }),
      ),
    ).toEqual(['NOT_FOUND']);
    const forged = await as(sa, d.withhold, {
      r: 'room-1; DROP',
      input: { part: 'CONSENT', ground: 'VIOLATES_OTHER_LAW', reason },
    });
    expect([errorCodes(forged), forged.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'requestId']);
    const long = await as(sa, d.withhold, {
      r: requestId,
      input: { part: 'CONSENT', ground: 'VIOLATES_OTHER_LAW', reason: 'x'.repeat(1001) },
    });
    expect([errorCodes(long), long.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'reason']);

    expect(errorCodes(await as(sa, d.export, { r: randomUUID(), f: 'JSON' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await as(sa, d.export, { r: requestId, f: 'XML' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as(sa, d.one, { r: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await as(sa, d.one, { r: 'nope' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as(sa, d.list, { first: 1000 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as(sa, d.list, { after: 'not-a-cursor' }))).toEqual(['BAD_USER_INPUT']);

    // The route: bad format before anything runs, then the mutation's own codes with their HTTP status.
    const codesOf = async (response: Response) => [
      response.status,
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code,
    ];
    expect(await codesOf(await exportFile(sa, requestId, 'xml'))).toEqual([400, 'BAD_USER_INPUT']);
    expect(await codesOf(await exportFile(sa, requestId, ''))).toEqual([400, 'BAD_USER_INPUT']);
    expect(await codesOf(await exportFile(sa, 'not-a-uuid', 'json'))).toEqual([400, 'BAD_USER_INPUT']);
    expect(await codesOf(await exportFile(sa, randomUUID(), 'json'))).toEqual([404, 'NOT_FOUND']);
    expect(await state()).toEqual(before);
  });

  it('rooms and identity refuse their parts of the report to anyone but the system admin, and record the refusal', async () => {
    const principal: UserPrincipal = {
      kind: 'user',
      userId: hm.userId,
      role: 'HOSPITAL_MANAGER',
      facilityId: hm.facilityId,
      orgUnitId: null,
      sessionId: randomUUID(),
      mustChangePassword: false,
      certificate: null,
      address: null,
    };
    const key = { requestId, subjectId, asOf: new Date().toISOString(), withheldParts: [] };

    const roomsCtx = createRoomsContext(t.db.prisma, principal);
    const roomsPart = roomsResolvers.DisclosureReport.__resolveReference(key, roomsCtx);
    await expect(roomsResolvers.DisclosureReport.roomsAccesses(roomsPart)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await p().roomsAccessRecord.findMany({ where: { subjectId } })).toEqual([
      expect.objectContaining({
        actorId: hm.userId,
        action: 'DENIED',
        what: 'disclosure-report',
        outcome: 'FORBIDDEN',
      }),
    ]);

    const identityCtx = createIdentityContext(
      { db: t.db.prisma, settings: t.settings, ca: t.ca, now: () => new Date() },
      principal,
    );
    const identityPart = identityResolvers.DisclosureReport.__resolveReference(key, identityCtx);
    await expect(identityResolvers.DisclosureReport.identityAccesses(identityPart)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await p().auditEvent.findMany({ where: { targetType: 'Subject', targetId: subjectId } })).toEqual([
      expect.objectContaining({ actorId: hm.userId, action: 'disclosure.produce', outcome: 'DENIED' }),
    ]);
  });

  it('rooms and identity disclose nothing for a key without the withheld parts (deny by default)', async () => {
    const principal: UserPrincipal = {
      kind: 'user',
      userId: sa.userId,
      role: 'SYSTEM_ADMIN',
      facilityId: sa.facilityId,
      orgUnitId: null,
      sessionId: randomUUID(),
      mustChangePassword: false,
      certificate: null,
      address: null,
    };
    const key = { requestId, subjectId, asOf: new Date().toISOString() };
    const roomsPart = roomsResolvers.DisclosureReport.__resolveReference(
      key as never,
      createRoomsContext(t.db.prisma, principal),
    );
    await expect(roomsResolvers.DisclosureReport.roomsAccesses(roomsPart)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const identityPart = identityResolvers.DisclosureReport.__resolveReference(
      key as never,
      createIdentityContext({ db: t.db.prisma, settings: t.settings, ca: t.ca, now: () => new Date() }, principal),
    );
    await expect(identityResolvers.DisclosureReport.identityAccesses(identityPart)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
