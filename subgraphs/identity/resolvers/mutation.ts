import { parseInput } from '../../../lib/input';
import type { IdentityContext } from '../context';
import { registerFacility, registerFacilityInput } from '../services/facility-service';
import { registerSubject, registerSubjectInput } from '../services/subject-service';

export const Mutation = {
  registerFacility: (_: unknown, args: { input: unknown }, ctx: IdentityContext) =>
    registerFacility(ctx.db, parseInput(registerFacilityInput, args.input)),
  registerSubject: (_: unknown, args: { input: unknown }, ctx: IdentityContext) =>
    registerSubject(ctx.db, parseInput(registerSubjectInput, args.input)),
};
