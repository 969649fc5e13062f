// Posts are reached only through a room's timeline or a mutation, both of
// which checked the caller's access to the room first.
import { userRef } from './user-ref';
import type { PostResolvers, PostRevisionResolvers } from '../../../generated/graphql/rooms-resolvers';

export const Post = {
  author: (post) => userRef(post.authorId),
  revisions: (post, _, ctx) => ctx.revisionsByPost.load(post.id),
  readBy: async (post, _, ctx) => (await ctx.readersByPost.load(post.id)).map(userRef),
} satisfies PostResolvers;

export const PostRevision = {
  replacedBy: (revision) => userRef(revision.replacedBy),
} satisfies PostRevisionResolvers;
