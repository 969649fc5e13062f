// A timeline page must cost the same number of SQL statements whatever its
// size: membership, reads and revisions are batched per request, and
// authors are federation references resolved by identity in one batch.
// The rooms subgraph runs here over its own Prisma client whose pg pool
// counts every statement sent to PostgreSQL (BEGIN and COMMIT included).
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import type { UserPrincipal } from '../../lib/access/principal';
import { createRoomsContext } from '../../subgraphs/rooms/context';
import { createRoomsServer } from '../../subgraphs/rooms/server';
import type { SubgraphServer } from '../../lib/subgraph-server';
import { actorWithRole, type Actor } from '../support/actors';
import { graphql } from '../support/graphql-client';
import { silentLogger } from '../support/silent-logger';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const statements: string[] = [];

class CountingClient extends Client {}
const originalQuery = Client.prototype.query;
CountingClient.prototype.query = function countingQuery(this: Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  statements.push(typeof first === 'string' ? first : (first.text ?? '?'));
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof originalQuery;

const timeline = `query($r: ID!, $first: Int) {
  room(id: $r) {
    title
    timeline(first: $first) { items { id body author { id } readBy { id } revisions { body replacedBy { id } } } nextCursor }
  }
}`;

describe('timeline query cost', () => {
  let t: TestSystem;
  let pool: Pool;
  let prisma: PrismaClient;
  let rooms: SubgraphServer;
  let member: Actor;
  let roomId: string;

  beforeAll(async () => {
    t = await startTestSystem();
    const sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    member = await actorWithRole(t, 'USER');
    const reader = await actorWithRole(t, 'USER');
    const as = (actor: Actor) => (query: string, variables: Record<string, unknown>) =>
      graphql(t.graphqlUrl, query, variables, actor.headers);
    roomId = (
      await as(sa)(`mutation($s: ID!) { openRoom(input: { subjectId: $s, title: "room" }) { id } }`, {
        s: await subjectWithConsent(t, sa),
      })
    ).data?.openRoom.id;
    for (const actor of [member, reader])
      await as(sa)(`mutation($r: ID!, $u: ID!) { addRoomMember(roomId: $r, userId: $u) { id } }`, {
        r: roomId,
        u: actor.userId,
      });
    // 60 posts, each read by two members and edited once: every batched field has rows to load.
    const base = Date.now() - 60 * 60_000;
    const posts = Array.from({ length: 60 }, (_, i) => ({
      id: randomUUID(),
      roomId,
      authorId: i % 2 ? member.userId : reader.userId,
      category: 'BASIC' as const,
      body: `post ${i}`,
      createdAt: new Date(base + i * 1000),
    }));
    await t.db.prisma.post.createMany({ data: posts });
    await t.db.prisma.postRead.createMany({
      data: posts.flatMap((p) => [member, reader].map((a) => ({ postId: p.id, userId: a.userId }))),
    });
    await t.db.prisma.postRevision.createMany({
      data: posts.map((p) => ({
        id: randomUUID(),
        postId: p.id,
        category: 'BASIC' as const,
        body: 'earlier',
        replacedBy: p.authorId,
      })),
    });

    pool = new Pool({ connectionString: t.db.url, max: 2, Client: CountingClient });
    prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    rooms = await createRoomsServer({
      db: { ...t.db, prisma },
      logger: silentLogger,
      verifyToken: () => Promise.reject(new Error('not used')),
    });
  });
  afterAll(async () => {
    await rooms?.stop();
    await prisma?.$disconnect();
    await pool?.end();
    await t?.stop();
  });

  async function countFor(first: number) {
    const principal: UserPrincipal = {
      kind: 'user',
      userId: member.userId,
      role: 'USER',
      facilityId: member.facilityId,
      orgUnitId: null,
      sessionId: randomUUID(),
      mustChangePassword: false,
      certificate: null,
      address: null,
    };
    statements.length = 0;
    const response = await rooms.apollo.executeOperation(
      { query: timeline, variables: { r: roomId, first } },
      { contextValue: createRoomsContext(prisma, principal) },
    );
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    expect(result?.errors).toBeUndefined();
    const items = (
      result!.data as { room: { timeline: { items: Array<{ readBy: unknown[]; revisions: unknown[] }> } } }
    ).room.timeline.items;
    expect(items).toHaveLength(first);
    expect(items.every((p) => p.readBy.length === 2 && p.revisions.length === 1)).toBe(true);
    return [...statements];
  }

  it('takes the same number of statements for 10 and 50 posts', async () => {
    await countFor(1); // warm-up: connection set-up is not the resolvers' cost
    const ten = await countFor(10);
    const fifty = await countFor(50);
    expect(fifty.length).toBe(ten.length);
    // room, membership, posts, reads, revisions, and the access record's own transaction.
    expect(ten.length).toBeLessThanOrEqual(10);
  });
});
