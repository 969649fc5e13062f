import { requireSignedIn } from '../../../lib/access/guard';
import { can } from '../../../lib/access/permissions';
import { parseInput, uuid } from '../../../lib/input';
import { verifyRoomsChain } from '../services/access-records';
import {
  countExistenceChecks,
  getExistenceCheck,
  listExistenceChecks,
  listInput,
} from '../services/existence-check-service';
import { refuse } from '../services/room-guard';
import {
  countRoomApplications,
  getRoomApplication,
  listApplicationsInput,
  listRoomApplications,
} from '../services/room-application-service';
import { getRoom, listRooms, listRoomsArgs } from '../services/room-service';
import type { QueryResolvers } from '../../../generated/graphql/rooms-resolvers';
import { refusalMessage } from '../../../lib/access/refusals';

export const Query = {
  rooms: (_, args, ctx) => listRooms(ctx, parseInput(listRoomsArgs, args)),
  room: (_, args, ctx) => getRoom(ctx, parseInput(uuid, args.id, 'id')),
  verifyRoomsAccessChain: async (_, __, ctx) => {
    const user = requireSignedIn(ctx.principal);
    if (!can(user, 'audit.read'))
      throw await refuse(ctx, user, null, 'access-chain', {
        allowed: false,
        code: 'FORBIDDEN',
        message: refusalMessage(user.role, ['audit.read']),
      });
    return verifyRoomsChain(ctx.db);
  },
  existenceChecks: (_, args, ctx) => listExistenceChecks(ctx, parseInput(listInput, args)),
  existenceCheckCount: (_, args, ctx) => countExistenceChecks(ctx, parseInput(listInput, args)),
  existenceCheck: (_, args, ctx) => getExistenceCheck(ctx, parseInput(uuid, args.id, 'id')),
  roomApplications: (_, args, ctx) => listRoomApplications(ctx, parseInput(listApplicationsInput, args)),
  roomApplicationCount: (_, args, ctx) => countRoomApplications(ctx, parseInput(listApplicationsInput, args)),
  roomApplication: (_, args, ctx) => getRoomApplication(ctx, parseInput(uuid, args.id, 'id')),
} satisfies QueryResolvers;
