// Subjects through the real gateway: registration with the Art. 5 facts,
// one subject per person however the kana is typed (Art. 18), look-up by
// kana name and birth date, and refusals that leave nothing behind.
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes } from '../support/graphql-client';
import { as, auditMark, auditSince, expectForbidden, expectRefused } from '../support/identity-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { syncCare } from '../support/directory-fixtures';

const subjectFields = 'id name nameKana birthDate sex address category identifiers { system value }';
const register = `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { ${subjectFields} } }`;
const find = `query($k: String!, $b: Date!) { findSubjects(nameKana: $k, birthDate: $b) { ${subjectFields} } }`;
const read = `query($id: ID!) { subject(id: $id) { ${subjectFields} } }`;

const input = (overrides: Record<string, unknown> = {}) => ({
  name: '高岡 太郎',
  nameKana: 'タカオカ タロウ',
  birthDate: '1940-04-01',
  category: 'RECEIVING_HOME_SUPPORT',
  ...overrides,
});

describe('subjects through the gateway', () => {
  let t: TestSystem;
  let sa: Actor;
  let user: Actor;
  let fm: Actor;
  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
  });
  afterAll(() => t?.stop());

  it('registers a subject with every Art. 5 fact and reads it back', async () => {
    const full = input({
      name: '伏木 花子',
      nameKana: 'ふしき はなこ',
      birthDate: '1935-07-07',
      sex: 'FEMALE',
      address: '高岡市伏木古国府1-1',
      category: 'EXPECTED_TO_NEED_SUPPORT',
      identifiers: [
        { system: 'urn:jp:care-insurance:insured-number', value: '0000012345' },
        { system: 'urn:takaoka:resident', value: 'R-77' },
      ],
    });
    const response = await as(t, sa)(register, { input: full });
    expect(response.errors).toBeUndefined();
    const subject = response.data?.registerSubject;
    expect(subject).toEqual({ id: expect.any(String), ...full });
    expect((await as(t, sa)(read, { id: subject.id })).data?.subject).toEqual(subject);
    const row = await t.db.prisma.subject.findUniqueOrThrow({ where: { id: subject.id } });
    expect(row.nameKey).toBe('フシキハナコ');
  });

  it('defaults sex to UNKNOWN and identifiers to none', async () => {
    const response = await as(t, user)(register, {
      input: input({ name: '二上 次郎', nameKana: 'フタガミ ジロウ', category: 'OTHER_APPROVED_BY_CITY' }),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.registerSubject).toMatchObject({
      sex: 'UNKNOWN',
      address: null,
      category: 'OTHER_APPROVED_BY_CITY',
      identifiers: [],
    });
  });

  describe('one subject per person', () => {
    const spellings = ['タカオカ タロウ', 'たかおか\u3000たろう', 'ﾀｶｵｶﾀﾛｳ'];
    let taroId: string;

    beforeAll(async () => {
      // Registered by the user: its facility is related to the subject, so its searches find it.
      const response = await as(t, user)(register, { input: input({ nameKana: spellings[0] }) });
      expect(response.errors).toBeUndefined();
      taroId = response.data?.registerSubject.id;
    });

    it.each(spellings)('finds the subject written %s', async (spelling) => {
      const mark = await auditMark(t);
      const response = await as(t, user)(find, { k: spelling, b: '1940-04-01' });
      expect(response.errors).toBeUndefined();
      expect(response.data?.findSubjects).toEqual([
        expect.objectContaining({ id: taroId, nameKana: 'タカオカ タロウ' }),
      ]);
      const reads = await auditSince(t, mark, { actorId: user.userId });
      expect(reads.map((r) => [r.action, r.outcome, r.targetId])).toEqual([
        ['subject.find', 'SUCCESS', null],
        ['subject.read', 'SUCCESS', taroId],
      ]);
    });

    it('finds nobody under another birth date or another name', async () => {
      expect((await as(t, user)(find, { k: 'たかおか たろう', b: '1940-04-02' })).data?.findSubjects).toEqual([]);
      expect((await as(t, user)(find, { k: 'たかおか はなこ', b: '1940-04-01' })).data?.findSubjects).toEqual([]);
    });

    it.each(spellings.slice(1))(
      'refuses to register %s again: CONFLICT, revealing nothing, writing nothing',
      async (spelling) => {
        const mark = await auditMark(t);
        const response = await expectRefused(
          t,
          sa,
          register,
          { input: input({ name: '別の 表記', nameKana: spelling }) },
          'CONFLICT',
        );
        const error = response.errors?.[0];
        expect(error?.message).toBe(
          'A subject with the same kana name and birth date is already registered. Ask whether a room exists (askRoomExists) to be related to it.',
        );
        expect(error?.extensions).toEqual({ code: 'CONFLICT' });
        expect(JSON.stringify(response)).not.toContain(taroId);
        expect(await t.db.prisma.subject.count({ where: { nameKey: 'タカオカタロウ' } })).toBe(1);
        const audit = await auditSince(t, mark, { action: 'subject.register' });
        expect(audit).toEqual([
          expect.objectContaining({
            outcome: 'FAILURE',
            actorId: sa.userId,
            targetId: null,
            details: { reason: 'DUPLICATE_SUBJECT' },
          }),
        ]);
      },
    );

    it('finds nothing for a user with no care relationship with the subject, as if it did not exist (only the search is audited)', async () => {
      const stranger = await actorWithRole(t, 'USER');
      const mark = await auditMark(t);
      const response = await as(t, stranger)(find, { k: spellings[0], b: '1940-04-01' });
      expect(response.errors).toBeUndefined();
      expect(response.data?.findSubjects).toEqual([]);
      const audit = await auditSince(t, mark, { actorId: stranger.userId });
      expect(audit.map((r) => [r.action, r.outcome, r.targetId])).toEqual([['subject.find', 'SUCCESS', null]]);
      expect(errorCodes(await as(t, stranger)(read, { id: taroId }))).toEqual(['FORBIDDEN']);
    });

    it('registers the same name with another birth date: a different person', async () => {
      const response = await as(t, sa)(register, {
        input: input({ nameKana: 'たかおか たろう', birthDate: '1941-04-01' }),
      });
      expect(response.errors).toBeUndefined();
    });

    it('lets only one of concurrent registrations of one person through', async () => {
      const before = await t.db.prisma.subject.count();
      const spellingsOfJiro = ['モリヤマ ジロウ', 'もりやま　じろう', 'ﾓﾘﾔﾏｼﾞﾛｳ', 'ﾓﾘﾔﾏ ｼﾞﾛｳ'];
      const attempts = [...spellingsOfJiro, ...spellingsOfJiro];
      const responses = await Promise.all(
        attempts.map((k) =>
          as(t, sa)(register, { input: input({ name: '守山 次郎', nameKana: k, birthDate: '1939-03-03' }) }),
        ),
      );
      expect(responses.flatMap(errorCodes)).toEqual(Array(attempts.length - 1).fill('CONFLICT'));
      expect(await t.db.prisma.subject.count()).toBe(before + 1);
    });

    it('matches a subject written before name_key existed', async () => {
      const legacy = await t.db.prisma.subject.create({
        data: {
          id: '4f1c7a52-9d1e-4c3b-8f7a-2b6d0e9c1a11',
          name: '古い 記録',
          nameKana: 'ﾌﾙｲ ｷﾛｸ',
          birthDate: new Date('1930-01-01T00:00:00Z'),
          registeredBy: sa.userId,
          registeredFacilityId: sa.facilityId,
        },
      });
      await syncCare(t, legacy.id);
      expect((await as(t, sa)(find, { k: 'ふるい きろく', b: '1930-01-01' })).data?.findSubjects).toEqual([
        expect.objectContaining({ id: legacy.id }),
      ]);
      await expectRefused(
        t,
        sa,
        register,
        { input: input({ nameKana: 'フルイキロク', birthDate: '1930-01-01' }) },
        'CONFLICT',
      );
    });
  });

  describe('bad input: BAD_USER_INPUT naming the field, nothing written', () => {
    it.each([
      ['an oversized address', { address: 'あ'.repeat(301) }, 'address'],
      ['an empty address', { address: '  ' }, 'address'],
      [
        '11 identifiers',
        { identifiers: Array.from({ length: 11 }, (_, i) => ({ system: 'urn:x', value: String(i) })) },
        'identifiers',
      ],
      [
        'a repeated identifier',
        {
          identifiers: [
            { system: 'urn:x', value: '1' },
            { system: 'urn:x', value: '1' },
          ],
        },
        'identifiers',
      ],
      [
        'an oversized identifier system',
        { identifiers: [{ system: 'x'.repeat(101), value: '1' }] },
        'identifiers.0.system',
      ],
      ['an empty identifier value', { identifiers: [{ system: 'urn:x', value: ' ' }] }, 'identifiers.0.value'],
      ['kana with kanji', { nameKana: 'たかおか 太郎' }, 'nameKana'],
    ])('%s', async (_label, overrides, field) => {
      await expectRefused(
        t,
        sa,
        register,
        { input: input({ nameKana: 'イサミ ヨウコ', ...overrides }) },
        'BAD_USER_INPUT',
        field,
      );
    });

    // The gateway checks variables against the schema before any subgraph
    // runs: a missing required field or an unknown enum value is refused
    // there, with the field's path in the message (not in extensions.field).
    it.each([
      ['a missing category', input({ category: undefined }), /"category"/],
      ['an unknown sex', input({ sex: 'MAN' }), /input\.sex/],
      ['an unknown category', input({ category: 'RESIDENT' }), /input\.category/],
    ])('%s (refused by the gateway)', async (_label, variables, path) => {
      const response = await expectRefused(t, sa, register, { input: variables }, 'BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toMatch(path);
    });

    it.each([
      ['kana with kanji', { k: '高岡 たろう', b: '1940-04-01' }, 'nameKana'],
      ['an impossible birth date', { k: 'たかおか たろう', b: '1940-02-30' }, 'birthDate'],
    ])('findSubjects: %s', async (_label, variables, field) => {
      const mark = await auditMark(t);
      await expectRefused(t, sa, find, variables, 'BAD_USER_INPUT', field);
      expect(await auditSince(t, mark, { actorId: sa.userId })).toEqual([]);
    });
  });

  it('refuses a facility manager (no room role): FORBIDDEN, audited, nothing written', async () => {
    await expectForbidden(t, fm, register, { input: input({ nameKana: 'ヨシダ イチロウ' }) });
    await expectForbidden(t, fm, find, { k: 'タカオカ タロウ', b: '1940-04-01' });
  });
});
