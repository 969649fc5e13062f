// The care-relationships-changed job and its backfill against real
// PostgreSQL: the set it writes in each owner's copy, an existence check
// resolved to the subjects it names, a late job that cannot roll a copy
// back, and subjects from before the job existed.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { careRelationshipsBackfill, refreshCareFor } from '../../adapters/jobs/care-relationships-changed';
import type { DepsWith, JobNeed } from '../../adapters/job-definition';
import { replaceCareRelationships } from '../../lib/access/care-relationship-view';
import { silentLogger } from '../support/silent-logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('care-relationships-changed job', () => {
  let db: TestDatabase;
  let deps: DepsWith<JobNeed>;
  const rows = (schema: 'identity' | 'rooms' | 'consent', subjectId: string) =>
    db.prisma.$queryRawUnsafe<Array<{ holder_kind: string; holder_id: string | null; basis: string }>>(
      `SELECT holder_kind, holder_id::text AS holder_id, basis FROM ${schema}.care_relationship WHERE subject_id = $1::uuid ORDER BY basis, holder_kind, holder_id`,
      subjectId,
    );

  async function facilityWithUser(): Promise<{ facilityId: string; userId: string }> {
    const facilityId = randomUUID();
    const userId = randomUUID();
    await db.prisma.facility.create({
      data: { id: facilityId, name: `施設 ${facilityId.slice(0, 4)}`, kind: 'MEDICAL_INSTITUTION', insideCity: true },
    });
    await db.prisma.user.create({
      data: {
        id: userId,
        accountId: `cj${userId.slice(0, 8)}`,
        name: '試験',
        nameKana: 'シケン',
        facilityId,
        role: 'USER',
        passwordHash: 'x',
        passwordChangedAt: new Date(),
        pledgedAt: new Date(),
        pledgeVersion: '2024-08-01',
        issuedBy: userId,
      },
    });
    return { facilityId, userId };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    deps = {
      db: db.prisma,
      identity: { db: db.prisma },
      rooms: db.prisma,
      consent: db.prisma,
      logger: silentLogger,
      workerName: 'test',
    } as unknown as DepsWith<JobNeed>;
  });
  afterAll(() => db.drop());

  it('writes the same set in identity, rooms and consent: the registrant and its facility, and later the members only', async () => {
    const carer = await facilityWithUser();
    const member = await facilityWithUser();
    const subjectId = randomUUID();
    await db.prisma.subject.create({
      data: {
        id: subjectId,
        name: '試験 一郎',
        nameKana: 'シケン イチロウ',
        birthDate: new Date('1940-01-01T00:00:00Z'),
        registeredBy: carer.userId,
        registeredFacilityId: carer.facilityId,
      },
    });
    await refreshCareFor(deps, { subjectId });
    const registered = [
      { holder_kind: 'FACILITY', holder_id: carer.facilityId, basis: 'REGISTERED' },
      { holder_kind: 'USER', holder_id: carer.userId, basis: 'REGISTERED' },
    ];
    for (const schema of ['identity', 'rooms', 'consent'] as const)
      expect(await rows(schema, subjectId)).toEqual(registered);

    // A room opens with another facility's member: the registration no longer relates anyone.
    const roomId = randomUUID();
    await db.prisma.room.create({ data: { id: roomId, subjectId, title: '部屋', openedBy: null } });
    await db.prisma.roomMember.create({
      data: { id: randomUUID(), roomId, userId: member.userId, addedBy: member.userId },
    });
    await refreshCareFor(deps, { subjectId });
    for (const schema of ['identity', 'rooms', 'consent'] as const)
      expect(await rows(schema, subjectId)).toEqual([
        { holder_kind: 'USER', holder_id: member.userId, basis: 'MEMBER' },
      ]);
  });

  it('resolves an existence check to the subjects its question names, in any kana spelling, once answered', async () => {
    const asker = await facilityWithUser();
    const subjectId = randomUUID();
    await db.prisma.subject.create({
      data: {
        id: subjectId,
        name: '伏木 花子',
        nameKana: 'フシキ ハナコ',
        nameKey: 'フシキハナコ',
        birthDate: new Date('1941-05-05T00:00:00Z'),
      },
    });
    const checkId = randomUUID();
    await db.prisma.existenceCheck.create({
      data: {
        id: checkId,
        requestedBy: asker.userId,
        facilityId: asker.facilityId,
        nameKana: 'ふしき　はなこ',
        birthDate: new Date('1941-05-05T00:00:00Z'),
        status: 'AT_SYSTEM_ADMIN',
      },
    });
    await refreshCareFor(deps, { existenceCheckId: checkId });
    // Waiting for the system admin: the deciders may see the subject, the asker not yet.
    expect(await rows('identity', subjectId)).toEqual([
      { holder_kind: 'DECIDERS', holder_id: null, basis: 'DECISION' },
    ]);
    await db.prisma.existenceCheck.update({
      where: { id: checkId },
      data: { status: 'ANSWERED', roomExists: false, answeredAt: new Date() },
    });
    await refreshCareFor(deps, { existenceCheckId: checkId });
    expect(await rows('consent', subjectId)).toEqual([
      { holder_kind: 'FACILITY', holder_id: asker.facilityId, basis: 'EXISTENCE_CHECK' },
      { holder_kind: 'USER', holder_id: asker.userId, basis: 'EXISTENCE_CHECK' },
    ]);
    // An unknown check changes nothing and does not fail (the job is safe to repeat).
    await expect(refreshCareFor(deps, { existenceCheckId: randomUUID() })).resolves.toBeUndefined();
  });

  it('never lets a set computed earlier replace one computed later', async () => {
    const subjectId = randomUUID();
    const later = new Date();
    const earlier = new Date(later.getTime() - 1000);
    const holder = randomUUID();
    const fresh = [
      { subjectId, holderKind: 'USER' as const, holderId: holder, basis: 'MEMBER' as const, since: later, until: null },
    ];
    expect(await replaceCareRelationships(db.prisma, 'rooms', subjectId, fresh, later)).toBe(true);
    expect(await replaceCareRelationships(db.prisma, 'rooms', subjectId, [], earlier)).toBe(false);
    expect(await rows('rooms', subjectId)).toEqual([{ holder_kind: 'USER', holder_id: holder, basis: 'MEMBER' }]);
  });

  it('backfills subjects that no copy has a set for, and only those', async () => {
    const member = await facilityWithUser();
    const subjectId = randomUUID();
    await db.prisma.subject.create({
      data: {
        id: subjectId,
        name: '古い 記録',
        nameKana: 'フルイ キロク',
        birthDate: new Date('1930-01-01T00:00:00Z'),
      },
    });
    const roomId = randomUUID();
    await db.prisma.room.create({ data: { id: roomId, subjectId, title: '古い部屋' } });
    await db.prisma.roomMember.create({
      data: { id: randomUUID(), roomId, userId: member.userId, addedBy: member.userId },
    });
    expect(await rows('identity', subjectId)).toEqual([]);
    // A subject whose set exists already is left alone.
    const computed = randomUUID();
    await db.prisma.subject.create({
      data: {
        id: computed,
        name: '新しい 記録',
        nameKana: 'アタラシイ キロク',
        birthDate: new Date('1931-01-01T00:00:00Z'),
      },
    });
    await refreshCareFor(deps, { subjectId: computed });
    const versionOf = async (id: string) =>
      (
        await db.prisma.$queryRawUnsafe<Array<{ at: Date }>>(
          'SELECT computed_at AS at FROM identity.care_relationship_version WHERE subject_id = $1::uuid',
          id,
        )
      )[0]?.at.getTime();
    const before = await versionOf(computed);
    await careRelationshipsBackfill.process({}, {} as Job, deps);
    expect(await versionOf(computed)).toBe(before);
    for (const schema of ['identity', 'rooms', 'consent'] as const)
      expect(await rows(schema, subjectId)).toEqual([
        { holder_kind: 'USER', holder_id: member.userId, basis: 'MEMBER' },
      ]);
    const versions = await db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
      'SELECT count(*) AS n FROM identity.care_relationship_version WHERE subject_id = $1::uuid',
      subjectId,
    );
    expect(Number(versions[0]!.n)).toBe(1);
  });
});
