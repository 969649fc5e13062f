import { parseInput, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import {
  answerExistenceCheck,
  answerInput,
  askInput,
  askRoomExists,
  passExistenceCheck,
  passInput,
} from '../services/existence-check-service';
import { recordMinutes, recordMinutesInput, scheduleMeeting, scheduleMeetingInput } from '../services/meeting-service';
import {
  changeRoomMember,
  closeRoom,
  closeRoomInput,
  memberInput,
  openRoom,
  openRoomInput,
} from '../services/paper-room-forms';
import { resumeRoom } from '../services/suspension-service';
import {
  createPost,
  createPostInput,
  editPost,
  editPostInput,
  markPostRead,
  removePost,
  removePostInput,
} from '../services/post-service';
import {
  actOnRoomApplication,
  rejectInput,
  submitClosureInput,
  submitMemberChangeInput,
  submitOpeningInput,
  submitRoomClosure,
  submitRoomMemberChange,
  submitRoomOpening,
} from '../services/room-application-service';

type Args = Record<string, unknown>;

export const Mutation = {
  submitRoomOpening: (_: unknown, args: Args, ctx: RoomsContext) =>
    submitRoomOpening(ctx, parseInput(submitOpeningInput, args)),
  submitRoomMemberChange: (_: unknown, args: Args, ctx: RoomsContext) =>
    submitRoomMemberChange(ctx, parseInput(submitMemberChangeInput, args)),
  submitRoomClosure: (_: unknown, args: Args, ctx: RoomsContext) =>
    submitRoomClosure(ctx, parseInput(submitClosureInput, args)),
  confirmRoomApplication: (_: unknown, args: Args, ctx: RoomsContext) =>
    actOnRoomApplication(ctx, parseInput(uuid, args.id, 'id'), 'forward'),
  approveRoomApplication: (_: unknown, args: Args, ctx: RoomsContext) =>
    actOnRoomApplication(ctx, parseInput(uuid, args.id, 'id'), 'approve'),
  rejectRoomApplication: (_: unknown, args: Args, ctx: RoomsContext) => {
    const input = parseInput(rejectInput, args);
    return actOnRoomApplication(ctx, input.id, 'reject', input.reason);
  },
  withdrawRoomApplication: (_: unknown, args: Args, ctx: RoomsContext) =>
    actOnRoomApplication(ctx, parseInput(uuid, args.id, 'id'), 'withdraw'),
  openRoom: (_: unknown, args: { input: unknown }, ctx: RoomsContext) =>
    openRoom(ctx, parseInput(openRoomInput, args.input)),
  closeRoom: (_: unknown, args: Args, ctx: RoomsContext) => closeRoom(ctx, parseInput(closeRoomInput, args)),
  addRoomMember: (_: unknown, args: Args, ctx: RoomsContext) =>
    changeRoomMember(ctx, parseInput(memberInput, args), 'add'),
  removeRoomMember: (_: unknown, args: Args, ctx: RoomsContext) =>
    changeRoomMember(ctx, parseInput(memberInput, args), 'remove'),
  resumeRoom: (_: unknown, args: Args, ctx: RoomsContext) => resumeRoom(ctx, parseInput(uuid, args.roomId, 'roomId')),
  createPost: (_: unknown, args: Args, ctx: RoomsContext) => createPost(ctx, parseInput(createPostInput, args)),
  editPost: (_: unknown, args: Args, ctx: RoomsContext) => editPost(ctx, parseInput(editPostInput, args)),
  markPostRead: (_: unknown, args: Args, ctx: RoomsContext) =>
    markPostRead(ctx, parseInput(uuid, args.postId, 'postId')),
  removePost: (_: unknown, args: Args, ctx: RoomsContext) => removePost(ctx, parseInput(removePostInput, args)),
  scheduleMeeting: (_: unknown, args: Args, ctx: RoomsContext) =>
    scheduleMeeting(ctx, parseInput(scheduleMeetingInput, args)),
  recordMinutes: (_: unknown, args: Args, ctx: RoomsContext) =>
    recordMinutes(ctx, parseInput(recordMinutesInput, args)),
  askRoomExists: (_: unknown, args: Args, ctx: RoomsContext) => askRoomExists(ctx, parseInput(askInput, args)),
  passExistenceCheck: (_: unknown, args: Args, ctx: RoomsContext) =>
    passExistenceCheck(ctx, parseInput(passInput, args)),
  answerExistenceCheck: (_: unknown, args: Args, ctx: RoomsContext) =>
    answerExistenceCheck(ctx, parseInput(answerInput, args)),
};
