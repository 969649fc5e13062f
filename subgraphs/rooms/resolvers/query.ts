import { requireSignedIn } from '../../../lib/access/guard';
import { can } from '../../../lib/access/permissions';
import { parseInput, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { verifyRoomsChain } from '../services/access-records';
import { getExistenceCheck, listExistenceChecks, listInput } from '../services/existence-check-service';
import { refuse } from '../services/room-guard';
import { getRoomApplication, listApplicationsInput, listRoomApplications } from '../services/room-application-service';
import { getRoom, listRooms, listRoomsArgs } from '../services/room-service';

export const Query = {
  rooms: (_: unknown, args: unknown, ctx: RoomsContext) => listRooms(ctx, parseInput(listRoomsArgs, args)),
  room: (_: unknown, args: { id: unknown }, ctx: RoomsContext) => getRoom(ctx, parseInput(uuid, args.id, 'id')),
  verifyRoomsAccessChain: async (_: unknown, __: unknown, ctx: RoomsContext) => {
    const user = requireSignedIn(ctx.principal);
    if (!can(user, 'audit.read'))
      throw await refuse(ctx, user, null, 'access-chain', {
        allowed: false,
        code: 'FORBIDDEN',
        message: 'not allowed: audit.read',
      });
    return verifyRoomsChain(ctx.db);
  },
  existenceChecks: (_: unknown, args: unknown, ctx: RoomsContext) =>
    listExistenceChecks(ctx, parseInput(listInput, args)),
  existenceCheck: (_: unknown, args: { id: unknown }, ctx: RoomsContext) =>
    getExistenceCheck(ctx, parseInput(uuid, args.id, 'id')),
  roomApplications: (_: unknown, args: unknown, ctx: RoomsContext) =>
    listRoomApplications(ctx, parseInput(listApplicationsInput, args)),
  roomApplication: (_: unknown, args: { id: unknown }, ctx: RoomsContext) =>
    getRoomApplication(ctx, parseInput(uuid, args.id, 'id')),
};
