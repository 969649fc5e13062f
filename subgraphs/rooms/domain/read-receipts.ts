// Batch read receipts (issue 13): opening a room marks the others' unread
// posts read in one request instead of one markPostRead per post. Pure rules.
//
// - At most 100 ids per request (a timeline page is at most 100 posts).
// - Only posts of that room which members may see (not removed) are marked;
//   an id naming a post of another room, a removed post or nothing at all is
//   left out of the answer, so a post removed while the room was open does
//   not fail the whole batch. The caller's access to the room was checked
//   first (post.markRead, as markPostRead), so leaving ids out reveals
//   nothing about other rooms.
// - Idempotent: a post already read keeps its first receipt.
// - Audited as markPostRead is: one access record (READ post.read) per post.

export const maxReadReceipts = 100;

export interface ReceiptCandidate {
  id: string;
  roomId: string;
  removedAt: Date | null;
}

/** The ids to mark read, once each, in the order asked: visible posts of `roomId` among `found`. */
export function postsToMarkRead(
  roomId: string,
  requested: readonly string[],
  found: readonly ReceiptCandidate[],
): string[] {
  const markable = new Set(found.filter((p) => p.roomId === roomId && p.removedAt === null).map((p) => p.id));
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const raw of requested) {
    const id = raw.toLowerCase();
    if (seen.has(id) || !markable.has(id)) continue;
    seen.add(id);
    ids.push(id);
  }
  return ids;
}
