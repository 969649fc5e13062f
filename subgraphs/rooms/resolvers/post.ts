// Posts are reached only through a room's timeline or a mutation, both of
// which checked the caller's access to the room first.
import type { Post as PostRow, PostRevision as RevisionRow } from '../../../generated/prisma/client';
import type { RoomsContext } from '../context';
import { userRef } from './user-ref';

export const Post = {
  author: (post: PostRow) => userRef(post.authorId),
  revisions: (post: PostRow, _: unknown, ctx: RoomsContext) => ctx.revisionsByPost.load(post.id),
  readBy: async (post: PostRow, _: unknown, ctx: RoomsContext) => (await ctx.readersByPost.load(post.id)).map(userRef),
};

export const PostRevision = {
  replacedBy: (revision: RevisionRow) => userRef(revision.replacedBy),
};
