import { parseInput, uuid } from '../../../lib/input';
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
  markPostsRead,
  markPostsReadInput,
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
import type { MutationResolvers } from '../../../generated/graphql/rooms-resolvers';

export const Mutation = {
  submitRoomOpening: (_, args, ctx) => submitRoomOpening(ctx, parseInput(submitOpeningInput, args)),
  submitRoomMemberChange: (_, args, ctx) => submitRoomMemberChange(ctx, parseInput(submitMemberChangeInput, args)),
  submitRoomClosure: (_, args, ctx) => submitRoomClosure(ctx, parseInput(submitClosureInput, args)),
  confirmRoomApplication: (_, args, ctx) => actOnRoomApplication(ctx, parseInput(uuid, args.id, 'id'), 'forward'),
  approveRoomApplication: (_, args, ctx) => actOnRoomApplication(ctx, parseInput(uuid, args.id, 'id'), 'approve'),
  rejectRoomApplication: (_, args, ctx) => {
    const input = parseInput(rejectInput, args);
    return actOnRoomApplication(ctx, input.id, 'reject', input.reason);
  },
  withdrawRoomApplication: (_, args, ctx) => actOnRoomApplication(ctx, parseInput(uuid, args.id, 'id'), 'withdraw'),
  openRoom: (_, args, ctx) => openRoom(ctx, parseInput(openRoomInput, args.input)),
  closeRoom: (_, args, ctx) => closeRoom(ctx, parseInput(closeRoomInput, args)),
  addRoomMember: (_, args, ctx) => changeRoomMember(ctx, parseInput(memberInput, args), 'add'),
  removeRoomMember: (_, args, ctx) => changeRoomMember(ctx, parseInput(memberInput, args), 'remove'),
  resumeRoom: (_, args, ctx) => resumeRoom(ctx, parseInput(uuid, args.roomId, 'roomId')),
  createPost: (_, args, ctx) => createPost(ctx, parseInput(createPostInput, args)),
  editPost: (_, args, ctx) => editPost(ctx, parseInput(editPostInput, args)),
  markPostRead: (_, args, ctx) => markPostRead(ctx, parseInput(uuid, args.postId, 'postId')),
  markPostsRead: (_, args, ctx) => markPostsRead(ctx, parseInput(markPostsReadInput, args)),
  removePost: (_, args, ctx) => removePost(ctx, parseInput(removePostInput, args)),
  scheduleMeeting: (_, args, ctx) => scheduleMeeting(ctx, parseInput(scheduleMeetingInput, args)),
  recordMinutes: (_, args, ctx) => recordMinutes(ctx, parseInput(recordMinutesInput, args)),
  askRoomExists: (_, args, ctx) => askRoomExists(ctx, parseInput(askInput, args)),
  passExistenceCheck: (_, args, ctx) => passExistenceCheck(ctx, parseInput(passInput, args)),
  answerExistenceCheck: (_, args, ctx) => answerExistenceCheck(ctx, parseInput(answerInput, args)),
} satisfies MutationResolvers;
