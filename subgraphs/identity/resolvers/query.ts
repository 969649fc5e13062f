import { parseInput, uuid } from '../../../lib/input';
import type { QueryResolvers } from '../../../generated/graphql/identity-resolvers';
import { listFacilities, listFacilitiesArgs } from '../services/facility-service';
import {
  countApplications,
  countApplicationsArgs,
  getApplication,
  listApplications,
  listApplicationsArgs,
} from '../services/application-queries';
import { requireUser } from '../services/access-guard';
import { listCertificates, listUsers, readSubject, viewer } from '../services/directory-service';
import { currentRestriction } from '../services/system-admin-service';
import { listAuditArgs, listAuditEvents, verifyIdentityAuditChain } from '../services/audit-queries';
import { countFaults, listFaults } from '../services/fault-service';
import { findSubjects, findSubjectsArgs } from '../services/subject-service';
import { colleaguesArgs, searchColleagues } from '../services/colleague-directory-service';
import { listMyCertificateExpiryNotices } from '../services/certificate-expiry-service';

export const Query = {
  me: (_, __, ctx) => viewer(ctx),
  facilities: (_, args, ctx) => {
    requireUser(ctx);
    return listFacilities(ctx.db, parseInput(listFacilitiesArgs, args));
  },
  facility: (_, args, ctx) => {
    requireUser(ctx);
    return ctx.facilityById.load(parseInput(uuid, args.id, 'id'));
  },
  subject: (_, args, ctx) => readSubject(ctx, parseInput(uuid, args.id, 'id')),
  findSubjects: (_, args, ctx) => findSubjects(ctx, parseInput(findSubjectsArgs, args)),
  orgUnits: (_, __, ctx) => {
    requireUser(ctx);
    return ctx.db.orgUnit.findMany({ orderBy: [{ kind: 'asc' }, { code: 'asc' }] });
  },
  applications: (_, args, ctx) => listApplications(ctx, parseInput(listApplicationsArgs, args)),
  applicationCount: (_, args, ctx) => countApplications(ctx, parseInput(countApplicationsArgs, args)),
  application: (_, args, ctx) => getApplication(ctx, parseInput(uuid, args.id, 'id')),
  users: (_, args, ctx) => listUsers(ctx, parseInput(uuid, args.facilityId, 'facilityId')),
  colleagues: (_, args, ctx) => searchColleagues(ctx, parseInput(colleaguesArgs, args)),
  clientCertificates: (_, args, ctx) => listCertificates(ctx, parseInput(uuid, args.facilityId, 'facilityId')),
  certificateExpiryNotices: (_, __, ctx) => listMyCertificateExpiryNotices(ctx),
  faultReports: (_, args, ctx) => listFaults(ctx, args.status),
  faultReportCount: (_, args, ctx) => countFaults(ctx, args.status),
  auditEvents: (_, args, ctx) => listAuditEvents(ctx, parseInput(listAuditArgs, args)),
  verifyIdentityAuditChain: (_, __, ctx) => verifyIdentityAuditChain(ctx),
  systemRestriction: (_, __, ctx) => {
    requireUser(ctx, { allowPendingPasswordChange: true });
    return currentRestriction(ctx.db, ctx.now());
  },
} satisfies QueryResolvers;
