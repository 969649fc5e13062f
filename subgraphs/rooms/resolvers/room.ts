// Every field but the id checks the caller's access to this room: the same
// Room can be reached from rooms, room, activeRoom, a mutation's result or
// another subgraph's reference.
import type { Room as RoomRow } from '../../../generated/prisma/client';
import { parseInput } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { decodeClosure } from '../domain/room-access';
import { listMeetings } from '../services/meeting-service';
import { listMembers } from '../services/membership-service';
import { readTimeline, timelineArgs } from '../services/post-service';
import { authorizeRoom } from '../services/room-guard';
import { listNotices } from '../services/suspension-service';
import { userRef } from './user-ref';
import type { RoomResolvers } from '../../../generated/graphql/rooms-resolvers';

/** A room field any member or manager of the room may see. */
const seen =
  <T>(value: (room: RoomRow) => T) =>
  async (room: RoomRow, _: unknown, ctx: RoomsContext): Promise<T> => {
    await authorizeRoom(ctx, room, 'room.see', 'room');
    return value(room);
  };

export const Room = {
  __resolveReference: (ref, ctx) => ctx.roomById.load(ref.id),
  title: seen((room) => room.title),
  status: seen((room) => room.status),
  openedAt: seen((room) => room.openedAt),
  openedBy: seen((room) => (room.openedBy ? userRef(room.openedBy) : null)),
  closedAt: seen((room) => room.closedAt),
  closedReason: seen((room) => decodeClosure(room.closedReason)?.reason ?? null),
  closureNote: seen((room) => decodeClosure(room.closedReason)?.note ?? null),
  subject: seen((room) => ({ __typename: 'Subject', id: room.subjectId })),
  timeline: (room, args, ctx) => readTimeline(ctx, room, parseInput(timelineArgs, args)),
  members: (room, _, ctx) => listMembers(ctx, room),
  meetings: (room, _, ctx) => listMeetings(ctx, room),
  notices: (room, _, ctx) => listNotices(ctx, room),
} satisfies RoomResolvers;
