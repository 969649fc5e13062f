// Rooms' access records are hash-chained: the system admin can verify the
// chain, and a row altered directly in the database (bypassing the
// append-only trigger) is detected.
import { randomUUID } from 'node:crypto';
import { actorWithRole, type Actor } from '../support/actors';
import { errorCodes, graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const verify = `{ verifyRoomsAccessChain { ok records brokenAt reason } }`;

describe('rooms access-record chain', () => {
  let t: TestSystem;
  let sa: Actor;
  let member: Actor;
  let roomId: string;
  const as =
    (actor: Actor) =>
    (query: string, variables: Record<string, unknown> = {}) =>
      graphql(t.graphqlUrl, query, variables, actor.headers);

  beforeAll(async () => {
    t = await startTestSystem();
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    member = await actorWithRole(t, 'USER');
    const opened = await as(sa)(`mutation($s: ID!) { openRoom(input: { subjectId: $s, title: "room" }) { id } }`, {
      s: await subjectWithConsent(t, sa),
    });
    roomId = opened.data?.openRoom.id as string;
    await as(sa)(`mutation($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u) { id } }`, {
      r: roomId,
      u: member.userId,
    });
    for (let i = 0; i < 3; i += 1)
      await as(member)(`mutation($r: ID!) { createPost(roomId: $r, category: BASIC, body: "post") { id } }`, {
        r: roomId,
      });
    await as(member)(`query($r: ID!) { room(id: $r) { timeline { items { id } } } }`, { r: roomId });
  });
  afterAll(() => t.stop());

  it('is for the system admin only, and the refusal is recorded', async () => {
    expect(errorCodes(await as(member)(verify))).toEqual(['FORBIDDEN']);
    expect(
      await t.db.prisma.roomsAccessRecord.count({
        where: { actorId: member.userId, action: 'DENIED', what: 'access-chain' },
      }),
    ).toBe(1);
  });

  it('keeps one intact chain when many reads are recorded at once (group commit)', async () => {
    const before = await t.db.prisma.roomsAccessRecord.count({ where: { actorId: member.userId, what: 'timeline' } });
    const reads = await Promise.all(
      Array.from({ length: 20 }, () =>
        as(member)(`query($r: ID!) { room(id: $r) { timeline { items { id } } } }`, { r: roomId }),
      ),
    );
    expect(reads.every((read) => read.errors === undefined)).toBe(true);
    expect(await t.db.prisma.roomsAccessRecord.count({ where: { actorId: member.userId, what: 'timeline' } })).toBe(
      before + 20,
    );
    const verified = await as(sa)(verify);
    expect(verified.data?.verifyRoomsAccessChain.ok).toBe(true);
  });

  it('verifies an intact chain, and finds the first row altered in the database', async () => {
    const intact = await as(sa)(verify);
    const total = await t.db.prisma.roomsAccessRecord.count();
    expect(intact.data?.verifyRoomsAccessChain).toEqual({ ok: true, records: total, brokenAt: null, reason: null });

    const target = (await t.db.prisma.roomsAccessRecord.findMany({ orderBy: { seq: 'asc' } }))[2]!;
    // The append-only trigger refuses the change, as it should.
    await expect(
      t.db.prisma.$executeRaw`UPDATE rooms.access_record SET what = 'x' WHERE seq = ${target.seq}`,
    ).rejects.toThrow();
    await t.db.prisma.$transaction([
      t.db.prisma.$executeRawUnsafe(
        'ALTER TABLE rooms.access_record DISABLE TRIGGER access_record_no_update_or_delete',
      ),
      t.db.prisma
        .$executeRaw`UPDATE rooms.access_record SET actor_id = ${randomUUID()}::uuid WHERE seq = ${target.seq}`,
      t.db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record ENABLE TRIGGER access_record_no_update_or_delete'),
    ]);

    const broken = await as(sa)(verify);
    expect(broken.data?.verifyRoomsAccessChain).toEqual({
      ok: false,
      records: 2,
      brokenAt: target.seq.toString(),
      reason: 'HASH_MISMATCH',
    });
  });
});
