import { parseInput, uuid } from '../../../lib/input';
import type { IdentityContext } from '../context';
import { listFacilities, listFacilitiesArgs } from '../services/facility-service';
import { getApplication, listApplications, listApplicationsArgs } from '../services/application-queries';
import { requireUser } from '../services/access-guard';
import { listCertificates, listUsers, readSubject, viewer } from '../services/directory-service';
import { currentRestriction } from '../services/system-admin-service';
import { listAuditArgs, listAuditEvents } from '../services/audit-queries';
import { listFaults } from '../services/fault-service';
import { findSubjects, findSubjectsArgs } from '../services/subject-service';

export const Query = {
  me: (_: unknown, __: unknown, ctx: IdentityContext) => viewer(ctx),
  facilities: (_: unknown, args: unknown, ctx: IdentityContext) => {
    requireUser(ctx);
    return listFacilities(ctx.db, parseInput(listFacilitiesArgs, args));
  },
  facility: (_: unknown, args: { id: string }, ctx: IdentityContext) => {
    requireUser(ctx);
    return ctx.facilityById.load(parseInput(uuid, args.id, 'id'));
  },
  subject: (_: unknown, args: { id: string }, ctx: IdentityContext) =>
    readSubject(ctx, parseInput(uuid, args.id, 'id')),
  findSubjects: (_: unknown, args: unknown, ctx: IdentityContext) =>
    findSubjects(ctx, parseInput(findSubjectsArgs, args)),
  orgUnits: (_: unknown, __: unknown, ctx: IdentityContext) => {
    requireUser(ctx);
    return ctx.db.orgUnit.findMany({ orderBy: [{ kind: 'asc' }, { code: 'asc' }] });
  },
  applications: (_: unknown, args: unknown, ctx: IdentityContext) =>
    listApplications(ctx, parseInput(listApplicationsArgs, args)),
  application: (_: unknown, args: { id: string }, ctx: IdentityContext) =>
    getApplication(ctx, parseInput(uuid, args.id, 'id')),
  users: (_: unknown, args: { facilityId: string }, ctx: IdentityContext) =>
    listUsers(ctx, parseInput(uuid, args.facilityId, 'facilityId')),
  clientCertificates: (_: unknown, args: { facilityId: string }, ctx: IdentityContext) =>
    listCertificates(ctx, parseInput(uuid, args.facilityId, 'facilityId')),
  faultReports: (_: unknown, args: { status?: string | null }, ctx: IdentityContext) => listFaults(ctx, args.status),
  auditEvents: (_: unknown, args: unknown, ctx: IdentityContext) =>
    listAuditEvents(ctx, parseInput(listAuditArgs, args)),
  systemRestriction: (_: unknown, __: unknown, ctx: IdentityContext) => {
    requireUser(ctx, { allowPendingPasswordChange: true });
    return currentRestriction(ctx.db);
  },
};
