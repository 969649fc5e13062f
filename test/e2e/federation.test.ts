// The walking skeleton through the gateway: data created with mutations in
// each subgraph, then one query that crosses all three.
import type { IncomingHttpHeaders } from 'node:http';
import { errorCodes, graphql } from '../support/graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';

const registerSubject = `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { id name nameKana birthDate } }`;
const openRoom = `mutation($input: OpenRoomInput!) { openRoom(input: $input) { id title status subject { id } } }`;
const recordConsent = `mutation($subjectId: ID!) { recordConsent(subjectId: $subjectId) { state subject { id } } }`;
const roomsQuery = `{ rooms { items { id title status subject { name nameKana } consentStatus } nextCursor } }`;

describe('federated graph through the gateway', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(() => t.stop());

  async function newSubject(name: string, nameKana: string) {
    const response = await graphql(t.graphqlUrl, registerSubject, { input: { name, nameKana, birthDate: '1940-04-01' } });
    expect(response.errors).toBeUndefined();
    return response.data!.registerSubject as { id: string };
  }

  it('answers a query that crosses identity, rooms and consent', async () => {
    const taro = await newSubject('高岡 太郎', 'タカオカ タロウ');
    const hanako = await newSubject('高岡 花子', 'たかおか はなこ');
    for (const [subject, title] of [[taro, '太郎さんの部屋'], [hanako, '花子さんの部屋']] as const) {
      const opened = await graphql(t.graphqlUrl, openRoom, { input: { subjectId: subject.id, title } });
      expect(opened.data?.openRoom).toMatchObject({ title, status: 'OPEN', subject: { id: subject.id } });
    }
    const consent = await graphql(t.graphqlUrl, recordConsent, { subjectId: taro.id });
    expect(consent.data?.recordConsent).toEqual({ state: 'GRANTED', subject: { id: taro.id } });

    const result = await graphql(t.graphqlUrl, roomsQuery);
    expect(result.errors).toBeUndefined();
    expect(result.data?.rooms.items).toEqual([
      expect.objectContaining({ title: '花子さんの部屋', subject: { name: '高岡 花子', nameKana: 'たかおか はなこ' }, consentStatus: 'NOT_RECORDED' }),
      expect.objectContaining({ title: '太郎さんの部屋', subject: { name: '高岡 太郎', nameKana: 'タカオカ タロウ' }, consentStatus: 'GRANTED' }),
    ]);
  });

  it('resolves entities from the other side too (Subject.activeRoom and consentStatus)', async () => {
    const subject = await newSubject('伏木 一郎', 'フシキ イチロウ');
    await graphql(t.graphqlUrl, openRoom, { input: { subjectId: subject.id, title: 'room' } });
    const result = await graphql(t.graphqlUrl, `query($id: ID!) { subject(id: $id) { name activeRoom { title } consentStatus } }`, { id: subject.id });
    expect(result.data?.subject).toEqual({ name: '伏木 一郎', activeRoom: { title: 'room' }, consentStatus: 'NOT_RECORDED' });
  });

  it('pages rooms with an opaque cursor', async () => {
    const first = await graphql(t.graphqlUrl, `{ rooms(first: 1) { items { id } nextCursor } }`);
    const cursor = first.data?.rooms.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await graphql(t.graphqlUrl, `query($after: String) { rooms(first: 100, after: $after) { items { id } nextCursor } }`, { after: cursor });
    const ids = second.data?.rooms.items.map((r: { id: string }) => r.id);
    expect(ids).not.toContain(first.data?.rooms.items[0].id);
    expect(second.data?.rooms.nextCursor).toBeNull();
  });

  it('refuses a second open room for the same subject and writes nothing', async () => {
    const subject = await newSubject('二上 次郎', 'フタガミ ジロウ');
    await graphql(t.graphqlUrl, openRoom, { input: { subjectId: subject.id, title: 'first' } });
    const again = await graphql(t.graphqlUrl, openRoom, { input: { subjectId: subject.id, title: 'second' } });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(await t.db.prisma.room.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it.each([
    ['a malformed id', openRoom, { input: { subjectId: 'room-1', title: 't' } }, 'subjectId'],
    ['an empty title', openRoom, { input: { subjectId: '0a921851-8bf2-4d1d-8a04-d58560765d90', title: '   ' } }, 'title'],
    ['an oversized title', openRoom, { input: { subjectId: '0a921851-8bf2-4d1d-8a04-d58560765d90', title: 'x'.repeat(201) } }, 'title'],
    ['a name that is not kana', registerSubject, { input: { name: 'A', nameKana: 'Takaoka', birthDate: '1940-01-01' } }, 'nameKana'],
    ['an impossible date', registerSubject, { input: { name: 'A', nameKana: 'タ', birthDate: '1940-02-30' } }, 'birthDate'],
    ['a future birth date', registerSubject, { input: { name: 'A', nameKana: 'タ', birthDate: '2999-01-01' } }, 'birthDate'],
  ])('answers BAD_USER_INPUT for %s and changes nothing', async (_label, mutation, variables, field) => {
    const before = [await t.db.prisma.room.count(), await t.db.prisma.subject.count()];
    const response = await graphql(t.graphqlUrl, mutation, variables);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect([await t.db.prisma.room.count(), await t.db.prisma.subject.count()]).toEqual(before);
  });

  it('answers BAD_USER_INPUT for wrong JSON types, without leaking internals', async () => {
    const literal = await graphql(t.graphqlUrl, `mutation { registerSubject(input: { name: "A", nameKana: "タ", birthDate: 19400101 }) { id } }`);
    expect(errorCodes(literal)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(literal)).not.toMatch(/127\.0\.0\.1|response|stack/);
    const variable = await graphql(t.graphqlUrl, registerSubject, { input: { name: 1, nameKana: 'タ', birthDate: '1940-01-01' } });
    expect(errorCodes(variable)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers CONFLICT for consent changes that do not change anything', async () => {
    const subject = await newSubject('守山 三郎', 'モリヤマ サブロウ');
    const withdraw = await graphql(t.graphqlUrl, `mutation($id: ID!) { withdrawConsent(subjectId: $id) { state } }`, { id: subject.id });
    expect(errorCodes(withdraw)).toEqual(['CONFLICT']);
    await graphql(t.graphqlUrl, recordConsent, { subjectId: subject.id });
    expect(errorCodes(await graphql(t.graphqlUrl, recordConsent, { subjectId: subject.id }))).toEqual(['CONFLICT']);
    expect(await t.db.prisma.consentRecord.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it('never forwards client-sent internal identity headers to subgraphs', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const record = (req: { headers: IncomingHttpHeaders }) => seen.push(req.headers);
    const servers = Object.values(t.system.subgraphs).map((s) => s.server);
    servers.forEach((s) => s.on('request', record));
    try {
      const response = await graphql(t.graphqlUrl, roomsQuery, {}, { 'x-renkei-identity': '{"role":"SYSTEM_ADMIN"}', 'X-Renkei-Internal-Token': 'forged' });
      expect(response.errors).toBeUndefined();
    } finally {
      servers.forEach((s) => s.off('request', record));
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const headers of seen) expect(Object.keys(headers).filter((h) => h.startsWith('x-renkei-'))).toEqual([]);
  });

  it('reuses keep-alive connections to subgraphs', async () => {
    let connections = 0;
    const count = () => {
      connections += 1;
    };
    const rooms = t.system.subgraphs.rooms.server;
    rooms.on('connection', count);
    try {
      for (let i = 0; i < 10; i += 1) await graphql(t.graphqlUrl, `{ rooms(first: 1) { items { id } } }`);
    } finally {
      rooms.off('connection', count);
    }
    expect(connections).toBeLessThanOrEqual(1);
  });

  it('marks responses as not cacheable and reports health and readiness', async () => {
    const response = await fetch(t.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await (await fetch(`${t.system.gateway.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.system.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { identity: 'ok', rooms: 'ok', consent: 'ok', redis: 'ok' } });
  });
});
