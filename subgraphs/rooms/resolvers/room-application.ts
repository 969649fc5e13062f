import type { RoomApplication as Row, RoomApplicationStep as StepRow } from '../../../generated/prisma/client';
import type { RoomsContext } from '../context';
import { getRoomApplication, stepsOf, type Content } from '../services/room-application-service';
import { userRef } from './user-ref';

const content = (row: Row) => row.content as Content;

export const RoomApplication = {
  __resolveReference: (ref: { id: string }, ctx: RoomsContext) => getRoomApplication(ctx, ref.id),
  subject: (row: Row) => ({ __typename: 'Subject', id: row.subjectId }),
  room: (row: Row, _: unknown, ctx: RoomsContext) => (row.roomId ? ctx.roomById.load(row.roomId) : null),
  submittedBy: (row: Row) => userRef(row.submittedBy),
  title: (row: Row) => content(row).title ?? null,
  memberIds: (row: Row) => content(row).memberIds ?? [],
  addMemberIds: (row: Row) => content(row).add ?? [],
  removeMemberIds: (row: Row) => content(row).remove ?? [],
  recordedFromPaper: (row: Row) => content(row).recordedFromPaper === true,
  paperReference: (row: Row) => content(row).paperReference ?? null,
  closedReason: (row: Row) => content(row).reason ?? null,
  closureNote: (row: Row) => content(row).note ?? null,
  steps: (row: Row, _: unknown, ctx: RoomsContext) => stepsOf(ctx, row),
};

export const RoomApplicationStep = {
  actor: (row: StepRow) => userRef(row.actorId),
};
