// Posts in a room: the timeline, writing, editing (the author only, the
// previous text kept as a revision), marking as read, and the system
// admin's removal (Art. 23-4: hidden from members, kept with the reason).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Post, Room } from '../../../generated/prisma/client';
import { requireSignedIn } from '../../../lib/access/guard';
import { readPage } from '../../../lib/cursor';
import { appError, conflict, notFound } from '../../../lib/graphql-errors';
import { pageArgs, text, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { decidePostEdit, decidePostRemoval } from '../domain/room-access';
import { recordAccess, recordAccessAlone, recordAccesses } from './access-records';
import { maxReadReceipts, postsToMarkRead } from '../domain/read-receipts';
import { accessOf, authorizeRoom, authorizeRoomRead, findRoom, refuse } from './room-guard';
import { inputMessage } from '../../../lib/messages/input-issues';

export const postCategories = [
  'BASIC',
  'FAMILY',
  'MEDICAL',
  'CARE_SERVICES',
  'HEALTH_PROGRAMS',
  'PHYSICAL_LIVING_FUNCTION',
  'HOUSING',
  'COORDINATION',
  'OTHER',
] as const;
const category = z.enum(postCategories, {
  errorMap: () => ({
    message: inputMessage({
      en: `It must be one of the Art. 8 categories: ${postCategories.join(', ')}.`,
      ja: `第8条の分類（${postCategories.join('、')}）のいずれかにしてください。`,
    }),
  }),
});
const body = text(10_000);

export const timelineArgs = pageArgs(100);
export const createPostInput = z.object({ roomId: uuid, category, body });
export const editPostInput = z.object({ postId: uuid, body, category: category.nullish() });
export const markPostsReadInput = z.object({
  roomId: uuid,
  postIds: z
    .array(uuid)
    .min(1, inputMessage({ en: 'Name at least one post.', ja: '投稿を1件以上指定してください。' }))
    .max(
      maxReadReceipts,
      inputMessage({
        en: `Name at most ${maxReadReceipts} posts.`,
        ja: `投稿は${maxReadReceipts}件以内で指定してください。`,
      }),
    ),
});
export const removePostInput = z.object({ postId: uuid, reason: text(1000) });

/** A post members may see: it exists and was not removed (a removed post is hidden from members, Art. 23-4). */
async function findVisiblePost(ctx: RoomsContext, postId: string): Promise<Post> {
  const post = await ctx.db.post.findUnique({ where: { id: postId } });
  if (!post || post.removedAt)
    throw notFound({ en: 'There is no such post. Check the id.', ja: 'その投稿はありません。ID を確認してください。' });
  return post;
}

export async function readTimeline(ctx: RoomsContext, room: Room, args: z.infer<typeof timelineArgs>) {
  const { user, emergencyAccessId } = await authorizeRoomRead(ctx, room, 'content.read', 'timeline');
  const page = await readPage(
    args,
    'createdAt',
    (where, take) =>
      ctx.db.post.findMany({
        where: { AND: [{ roomId: room.id, removedAt: null }, where] },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
      }),
    (row) => row.createdAt,
  );
  await recordAccessAlone(ctx.db, {
    actor: user,
    room,
    action: 'READ',
    what: 'timeline',
    outcome: 'SUCCESS',
    emergencyAccessId,
  });
  return page;
}

export async function createPost(ctx: RoomsContext, input: z.infer<typeof createPostInput>): Promise<Post> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(ctx, room, 'content.write', 'post');
  return ctx.db.$transaction(async (tx) => {
    const post = await tx.post.create({
      data: { id: randomUUID(), roomId: room.id, authorId: user.userId, category: input.category, body: input.body },
    });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'post', outcome: 'SUCCESS' });
    return post;
  });
}

export async function editPost(ctx: RoomsContext, input: z.infer<typeof editPostInput>): Promise<Post> {
  const post = await findVisiblePost(ctx, input.postId);
  const room = await findRoom(ctx, post.roomId);
  const { user, access } = await accessOf(ctx, room);
  const verdict = decidePostEdit(user, post, access, room);
  if (!verdict.allowed) throw await refuse(ctx, user, room, 'post.edit', verdict);
  const nextCategory = input.category ?? post.category;
  const edited = await ctx.db.$transaction(async (tx) => {
    // Lock the row so two edits cannot both revise the same previous text.
    await tx.$executeRaw`SELECT 1 FROM rooms.post WHERE id = ${post.id}::uuid FOR UPDATE`;
    const current = await tx.post.findUniqueOrThrow({ where: { id: post.id } });
    if (current.removedAt)
      throw notFound({
        en: 'There is no such post. Check the id.',
        ja: 'その投稿はありません。ID を確認してください。',
      });
    if (current.body === input.body && current.category === nextCategory)
      throw conflict({
        en: 'The post already has this text and category. Change one of them.',
        ja: '投稿の本文と分類が同じです。どちらかを変更してください。',
      });
    const now = new Date();
    await tx.postRevision.create({
      data: {
        id: randomUUID(),
        postId: post.id,
        category: current.category,
        body: current.body,
        replacedAt: now,
        replacedBy: user.userId,
      },
    });
    const updated = await tx.post.update({
      where: { id: post.id },
      data: { body: input.body, category: nextCategory, editedAt: now },
    });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'post.edit', outcome: 'SUCCESS' });
    return updated;
  });
  ctx.revisionsByPost.clear(post.id);
  return edited;
}

export async function markPostRead(ctx: RoomsContext, postId: string): Promise<Post> {
  const post = await findVisiblePost(ctx, postId);
  const room = await findRoom(ctx, post.roomId);
  const user = await authorizeRoom(ctx, room, 'post.markRead', 'post.read');
  await ctx.db.$transaction(async (tx) => {
    await tx.postRead.upsert({
      where: { postId_userId: { postId: post.id, userId: user.userId } },
      create: { postId: post.id, userId: user.userId },
      update: {},
    });
    await recordAccess(tx, { actor: user, room, action: 'READ', what: 'post.read', outcome: 'SUCCESS' });
  });
  ctx.readersByPost.clear(post.id);
  return post;
}

/**
 * Marks several posts of one room read by the caller in one statement
 * (domain/read-receipts.ts): the room's access is checked once, receipts are
 * inserted together (a post already read keeps its receipt), and one access
 * record per post is appended in the same transaction, as markPostRead does.
 */
export async function markPostsRead(ctx: RoomsContext, input: z.infer<typeof markPostsReadInput>): Promise<Post[]> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(ctx, room, 'post.markRead', 'post.read');
  const requested = [...new Set(input.postIds.map((id) => id.toLowerCase()))];
  const found = await ctx.db.post.findMany({ where: { id: { in: requested }, roomId: room.id } });
  const ids = postsToMarkRead(room.id, input.postIds, found);
  if (ids.length === 0) return [];
  await ctx.db.$transaction(async (tx) => {
    await tx.postRead.createMany({
      data: ids.map((postId) => ({ postId, userId: user.userId })),
      skipDuplicates: true,
    });
    await recordAccesses(
      tx,
      ids.map(() => ({ actor: user, room, action: 'READ' as const, what: 'post.read', outcome: 'SUCCESS' })),
    );
  });
  for (const id of ids) ctx.readersByPost.clear(id);
  const byId = new Map(found.map((post) => [post.id, post]));
  return ids.map((id) => byId.get(id)).filter((post): post is Post => post !== undefined);
}

export async function removePost(ctx: RoomsContext, input: z.infer<typeof removePostInput>) {
  const user = requireSignedIn(ctx.principal);
  const post = await ctx.db.post.findUnique({ where: { id: input.postId } });
  if (!post)
    throw notFound({ en: 'There is no such post. Check the id.', ja: 'その投稿はありません。ID を確認してください。' });
  const room = await findRoom(ctx, post.roomId);
  const verdict = decidePostRemoval(user);
  if (!verdict.allowed) throw await refuse(ctx, user, room, 'post.remove', verdict);
  return ctx.db.$transaction(async (tx) => {
    const now = new Date();
    const changed = await tx.post.updateMany({
      where: { id: post.id, removedAt: null },
      data: { removedAt: now, removedBy: user.userId, removalReason: input.reason },
    });
    if (changed.count === 0)
      throw appError('CONFLICT', { en: 'The post was already removed.', ja: 'この投稿はすでに削除されています。' });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'post.remove', outcome: 'SUCCESS' });
    return { postId: post.id, removedAt: now, reason: input.reason };
  });
}
