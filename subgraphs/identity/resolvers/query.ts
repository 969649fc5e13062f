import { parseInput, uuid } from '../../../lib/input';
import type { IdentityContext } from '../context';
import { listFacilities, listFacilitiesArgs } from '../services/facility-service';

export const Query = {
  facilities: (_: unknown, args: unknown, ctx: IdentityContext) => listFacilities(ctx.db, parseInput(listFacilitiesArgs, args)),
  facility: (_: unknown, args: { id: string }, ctx: IdentityContext) => ctx.facilityById.load(parseInput(uuid, args.id)),
  subject: (_: unknown, args: { id: string }, ctx: IdentityContext) => ctx.subjectById.load(parseInput(uuid, args.id)),
};
