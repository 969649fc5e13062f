// The directory of professionals (issue 13) through the gateway: any
// signed-in user finds active colleagues by name or kana (however the kana
// is typed), optionally in one facility; a suspended colleague, a user of a
// stopped facility and anyone whose name does not match are not found; a
// one-character search is refused at the boundary; someone not signed in is
// refused. A result shows who the colleague is, never the account fields to
// a colleague who may not see them.
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';

const search = `query($s: String!, $f: ID) {
  colleagues(search: $s, facilityId: $f) { id name nameKana role facility { id name } accountId status lastActiveAt }
}`;

describe('the directory of professionals', () => {
  let t: TestSystem;
  let searcher: Actor;
  let hanako: Actor;
  let hanakoTwin: Actor;
  let suspended: Actor;
  let stopped: Actor;

  const find = (s: string, f?: string, headers = searcher.headers) => graphql(t.graphqlUrl, search, { s, f }, headers);
  const idsOf = (response: Awaited<ReturnType<typeof find>>) =>
    (response.data!.colleagues as Array<{ id: string }>).map((u) => u.id);

  beforeAll(async () => {
    t = await startTestSystem();
    searcher = await actorWithRole(t, 'USER');
    hanako = await actorWithRole(t, 'USER');
    hanakoTwin = await actorWithRole(t, 'FACILITY_MANAGER');
    suspended = await actorWithRole(t, 'USER');
    stopped = await actorWithRole(t, 'USER');
    const named = [
      [hanako, '高岡 花子', 'タカオカ ハナコ'],
      [hanakoTwin, '高岡 花江', 'たかおか はなえ'],
      [suspended, '高岡 次郎', 'タカオカ ジロウ'],
      [stopped, '高岡 三郎', 'タカオカ サブロウ'],
    ] as const;
    for (const [actor, name, nameKana] of named)
      await t.db.prisma.user.update({ where: { id: actor.userId }, data: { name, nameKana } });
    await t.db.prisma.user.update({ where: { id: suspended.userId }, data: { status: 'SUSPENDED' } });
    await t.db.prisma.facility.update({ where: { id: stopped.facilityId }, data: { status: 'STOPPED' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('finds by kana however it is typed (hiragana, half width, spaces), active users of facilities in use only', async () => {
    for (const s of ['たかおか', 'ﾀｶｵｶ', 'タカ オカ']) {
      const found = await find(s);
      expect(found.errors).toBeUndefined();
      expect(new Set(idsOf(found))).toEqual(new Set([hanako.userId, hanakoTwin.userId]));
    }
    expect(idsOf(await find('はなこ'))).toEqual([hanako.userId]);
  });

  it('finds by the name as written, and within one facility', async () => {
    expect(new Set(idsOf(await find('高岡')))).toEqual(new Set([hanako.userId, hanakoTwin.userId]));
    expect(idsOf(await find('岡 花子'))).toEqual([hanako.userId]);
    expect(idsOf(await find('高岡', hanakoTwin.facilityId))).toEqual([hanakoTwin.userId]);
    expect(idsOf(await find('やまだ'))).toEqual([]);
  });

  it('shows who the colleague is, not the account fields', async () => {
    const [found] = (await find('はなこ')).data?.colleagues ?? [];
    expect(found).toMatchObject({
      name: '高岡 花子',
      nameKana: 'タカオカ ハナコ',
      role: 'USER',
      facility: { id: hanako.facilityId },
      accountId: null,
      status: null,
      lastActiveAt: null,
    });
  });

  it('refuses a search of one character (or of spaces around one) and of more than 50', async () => {
    for (const s of ['た', ' た　', 'あ'.repeat(51)]) {
      const refused = await find(s);
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses a caller who is not signed in', async () => {
    const refused = await graphql(t.graphqlUrl, search, { s: 'たかおか' });
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(refused.data?.colleagues ?? null).toBeNull();
  });
});
