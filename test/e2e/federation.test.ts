// The walking skeleton through the gateway: data created with mutations in
// each subgraph, then one query that crosses all three.
import type { IncomingHttpHeaders } from 'node:http';
import { errorCodes, graphql } from '../support/graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { actorWithRole, type Actor } from '../support/actors';
import { syncCare, syncDirectory } from '../support/directory-fixtures';
import { subjectWithConsent, syncSharingView } from '../support/sharing-fixtures';

const registerSubject = `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { id name nameKana birthDate } }`;
const openRoom = `mutation($input: OpenRoomInput!) { openRoom(input: $input) { id title status subject { id } } }`;
const recordConsent = `mutation($input: ConsentInput!) { recordConsent(input: $input) { state subject { id } } }`;
/** A signed Form 7 for the subject, explained and signed on a past date. */
const consentFor = (subjectId: string) => ({
  input: {
    subjectId,
    explanation: { explainedOn: '2025-04-01' },
    signature: { signedBy: 'SUBJECT', signedOn: '2025-04-01' },
    purposes: ['PROVIDE_SERVICES'],
  },
});
const roomsQuery = `{ rooms { items { id title status subject { name nameKana } consentStatus } nextCursor } }`;

describe('federated graph through the gateway', () => {
  let t: TestSystem;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestSystem();
    admin = await actorWithRole(t, 'SYSTEM_ADMIN');
  });
  afterAll(() => t.stop());

  /** The system admin (who may open rooms) through the gateway. */
  const gql = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    graphql(t.graphqlUrl, query, variables, { ...admin.headers, ...headers });

  async function newSubject(name: string, nameKana: string) {
    const response = await gql(registerSubject, {
      input: { name, nameKana, birthDate: '1940-04-01', category: 'RECEIVING_HOME_SUPPORT' },
    });
    expect(response.errors).toBeUndefined();
    const subject = response.data!.registerSubject as { id: string };
    // What the directory-changed job does once identity announces the subject (no workers here).
    await syncDirectory(t, { subjectId: subject.id });
    // ... and what the care-relationships-changed job does for the registrant (need to know).
    await syncCare(t, subject.id);
    return subject;
  }

  it('answers a query that crosses identity, rooms and consent', async () => {
    const taro = await newSubject('高岡 太郎', 'タカオカ タロウ');
    const hanako = await newSubject('高岡 花子', 'たかおか はなこ');
    // Rooms open only with consent (or a legal exception); 花子さん then withdraws hers.
    const consent = await gql(recordConsent, consentFor(taro.id));
    expect(consent.data?.recordConsent).toEqual({ state: 'GRANTED', subject: { id: taro.id } });
    await syncSharingView(t, taro.id);
    await subjectWithConsent(t, admin, hanako.id);
    for (const [subject, title] of [
      [taro, '太郎さんの部屋'],
      [hanako, '花子さんの部屋'],
    ] as const) {
      const opened = await gql(openRoom, { input: { subjectId: subject.id, title } });
      expect(opened.data?.openRoom).toMatchObject({ title, status: 'OPEN', subject: { id: subject.id } });
    }
    const withdrawn = await gql(
      `mutation($id: ID!) { withdrawConsent(subjectId: $id, reason: "本人の申し出") { state } }`,
      { id: hanako.id },
    );
    expect(withdrawn.data?.withdrawConsent).toEqual({ state: 'WITHDRAWN' });

    const result = await gql(roomsQuery);
    expect(result.errors).toBeUndefined();
    expect(result.data?.rooms.items).toEqual([
      expect.objectContaining({
        title: '花子さんの部屋',
        subject: { name: '高岡 花子', nameKana: 'たかおか はなこ' },
        consentStatus: 'WITHDRAWN',
      }),
      expect.objectContaining({
        title: '太郎さんの部屋',
        subject: { name: '高岡 太郎', nameKana: 'タカオカ タロウ' },
        consentStatus: 'GRANTED',
      }),
    ]);
  });

  it('resolves entities from the other side too (Subject.activeRoom and consentStatus)', async () => {
    const subject = await newSubject('伏木 一郎', 'フシキ イチロウ');
    await subjectWithConsent(t, admin, subject.id);
    await gql(openRoom, { input: { subjectId: subject.id, title: 'room' } });
    const result = await gql(`query($id: ID!) { subject(id: $id) { name activeRoom { title } consentStatus } }`, {
      id: subject.id,
    });
    expect(result.data?.subject).toEqual({
      name: '伏木 一郎',
      activeRoom: { title: 'room' },
      consentStatus: 'GRANTED',
    });
  });

  it('pages rooms with an opaque cursor', async () => {
    const first = await gql(`{ rooms(first: 1) { items { id } nextCursor } }`);
    const cursor = first.data?.rooms.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await gql(`query($after: String) { rooms(first: 100, after: $after) { items { id } nextCursor } }`, {
      after: cursor,
    });
    const ids = second.data?.rooms.items.map((r: { id: string }) => r.id);
    expect(ids).not.toContain(first.data?.rooms.items[0].id);
    expect(second.data?.rooms.nextCursor).toBeNull();
  });

  it('refuses a second open room for the same subject and writes nothing', async () => {
    const subject = await newSubject('二上 次郎', 'フタガミ ジロウ');
    await subjectWithConsent(t, admin, subject.id);
    await gql(openRoom, { input: { subjectId: subject.id, title: 'first' } });
    const again = await gql(openRoom, { input: { subjectId: subject.id, title: 'second' } });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(await t.db.prisma.room.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it.each([
    ['a malformed id', openRoom, { input: { subjectId: 'room-1', title: 't' } }, 'subjectId'],
    [
      'an empty title',
      openRoom,
      { input: { subjectId: '0a921851-8bf2-4d1d-8a04-d58560765d90', title: '   ' } },
      'title',
    ],
    [
      'an oversized title',
      openRoom,
      { input: { subjectId: '0a921851-8bf2-4d1d-8a04-d58560765d90', title: 'x'.repeat(201) } },
      'title',
    ],
    [
      'a name that is not kana',
      registerSubject,
      { input: { name: 'A', nameKana: 'Takaoka', birthDate: '1940-01-01', category: 'RECEIVING_HOME_SUPPORT' } },
      'nameKana',
    ],
    [
      'an impossible date',
      registerSubject,
      { input: { name: 'A', nameKana: 'タ', birthDate: '1940-02-30', category: 'RECEIVING_HOME_SUPPORT' } },
      'birthDate',
    ],
    [
      'a future birth date',
      registerSubject,
      { input: { name: 'A', nameKana: 'タ', birthDate: '2999-01-01', category: 'RECEIVING_HOME_SUPPORT' } },
      'birthDate',
    ],
  ])('answers BAD_USER_INPUT for %s and changes nothing', async (_label, mutation, variables, field) => {
    const before = [await t.db.prisma.room.count(), await t.db.prisma.subject.count()];
    const response = await gql(mutation, variables);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect([await t.db.prisma.room.count(), await t.db.prisma.subject.count()]).toEqual(before);
  });

  it('answers BAD_USER_INPUT for wrong JSON types, without leaking internals', async () => {
    const literal = await gql(
      `mutation { registerSubject(input: { name: "A", nameKana: "タ", birthDate: 19400101, category: RECEIVING_HOME_SUPPORT }) { id } }`,
    );
    expect(errorCodes(literal)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(literal)).not.toMatch(/127\.0\.0\.1|response|stack/);
    const variable = await gql(registerSubject, {
      input: { name: 1, nameKana: 'タ', birthDate: '1940-01-01', category: 'RECEIVING_HOME_SUPPORT' },
    });
    expect(errorCodes(variable)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers CONFLICT for consent changes that do not change anything', async () => {
    const subject = await newSubject('守山 三郎', 'モリヤマ サブロウ');
    const withdraw = await gql(
      `mutation($id: ID!) { withdrawConsent(subjectId: $id, reason: "moved away") { state } }`,
      { id: subject.id },
    );
    expect(errorCodes(withdraw)).toEqual(['CONFLICT']);
    await gql(recordConsent, consentFor(subject.id));
    expect(errorCodes(await gql(recordConsent, consentFor(subject.id)))).toEqual(['CONFLICT']);
    expect(await t.db.prisma.consentRecord.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it('never forwards client-sent internal identity headers to subgraphs', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const record = (req: { url?: string; originalUrl?: string; headers: IncomingHttpHeaders }) => {
      // express rewrites url under a mount point; originalUrl keeps the path the gateway called.
      if ((req.originalUrl ?? req.url) === '/graphql') seen.push(req.headers);
    };
    const servers = Object.values(t.system.subgraphs).map((s) => s.server);
    servers.forEach((s) => s.on('request', record));
    try {
      const response = await gql(
        roomsQuery,
        {},
        {
          'x-renkei-identity': '{"role":"SYSTEM_ADMIN"}',
          'X-Renkei-Internal-Token': 'forged',
          'X-Renkei-Request-Id': 'forged',
          'X-Renkei-Language': 'ja',
        },
      );
      expect(response.errors).toBeUndefined();
    } finally {
      servers.forEach((s) => s.off('request', record));
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const headers of seen) {
      // Only the gateway's own signed token travels, asserting the real caller, its request id (a UUID it
      // assigned) and the language it chose from Accept-Language (none here: English), not the client's copy.
      expect(
        Object.keys(headers)
          .filter((h) => h.startsWith('x-renkei-'))
          .sort(),
      ).toEqual(['x-renkei-internal-token', 'x-renkei-language', 'x-renkei-request-id']);
      expect(headers['x-renkei-language']).toBe('en');
      expect(headers['x-renkei-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const token = headers['x-renkei-internal-token'] as string;
      expect(token).not.toBe('forged');
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
        prn: { userId: string };
      };
      expect(claims.prn.userId).toBe(admin.userId);
    }
  });

  it('reuses keep-alive connections to subgraphs', async () => {
    let connections = 0;
    const count = () => {
      connections += 1;
    };
    const rooms = t.system.subgraphs.rooms.server;
    rooms.on('connection', count);
    try {
      for (let i = 0; i < 10; i += 1) await gql(`{ rooms(first: 1) { items { id } } }`);
    } finally {
      rooms.off('connection', count);
    }
    expect(connections).toBeLessThanOrEqual(1);
  });

  it('marks responses as not cacheable and reports health and readiness', async () => {
    const response = await fetch(t.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await (await fetch(`${t.system.gateway.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.system.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { identity: 'ok', rooms: 'ok', consent: 'ok', redis: 'ok' },
    });
  });
});
