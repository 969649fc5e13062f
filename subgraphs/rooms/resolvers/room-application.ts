import type { RoomApplication as Row } from '../../../generated/prisma/client';
import { getRoomApplication, stepsOf, type Content } from '../services/room-application-service';
import { userRef } from './user-ref';
import { accessOf } from '../services/room-guard';
import type {
  RoomApplicationResolvers,
  RoomApplicationStepResolvers,
} from '../../../generated/graphql/rooms-resolvers';

const content = (row: Row) => row.content as Content;

export const RoomApplication = {
  __resolveReference: (ref, ctx) => getRoomApplication(ctx, ref.id),
  subject: (row) => ({ __typename: 'Subject', id: row.subjectId }),
  // Null for a caller who may see the application but not the room (its facility manager confirming, a decider
  // who does not manage the room): the application's own fields say what changes, and a page of applications
  // is not turned into an error by the room's fields.
  room: async (row, _, ctx) => {
    const room = row.roomId ? await ctx.roomById.load(row.roomId) : null;
    if (!room) return null;
    const { access } = await accessOf(ctx, room);
    return access.seeRoom ? room : null;
  },
  submittedBy: (row) => userRef(row.submittedBy),
  title: (row) => content(row).title ?? null,
  memberIds: (row) => content(row).memberIds ?? [],
  addMemberIds: (row) => content(row).add ?? [],
  removeMemberIds: (row) => content(row).remove ?? [],
  recordedFromPaper: (row) => content(row).recordedFromPaper === true,
  paperReference: (row) => content(row).paperReference ?? null,
  closedReason: (row) => content(row).reason ?? null,
  closureNote: (row) => content(row).note ?? null,
  steps: (row, _, ctx) => stepsOf(ctx, row),
} satisfies RoomApplicationResolvers;

export const RoomApplicationStep = {
  actor: (row) => userRef(row.actorId),
} satisfies RoomApplicationStepResolvers;
