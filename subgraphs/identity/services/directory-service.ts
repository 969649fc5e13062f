// Reading people, certificates and subjects. Facility managers see their own
// facility; the system admin and admin managers (who supervise facilities,
// Art. 13) see all. Subjects are personal data: only roles that open rooms or
// ask for them may read a subject, and only with a care relationship with it
// (need to know, lib/access/care-relationship.ts); every read and every
// refusal is audited.
import type { Subject } from '../../../generated/prisma/client';
import { can } from '../../../lib/access/permissions';
import type { IdentityContext } from '../context';
import { forbid, requireUser } from './access-guard';
import { recordAuditAlone } from './audit-service';

export async function viewer(ctx: IdentityContext) {
  if (ctx.principal.kind !== 'user') return null;
  const user = await ctx.userById.load(ctx.principal.userId);
  return user ? { user, mustChangePassword: ctx.principal.mustChangePassword } : null;
}

export async function listUsers(ctx: IdentityContext, facilityId: string) {
  const user = requireUser(ctx);
  if (!can(user, 'facility.supervise', { facilityId })) await forbid(ctx, 'facility.supervise', 'Facility', facilityId);
  return ctx.db.user.findMany({ where: { facilityId, status: { not: 'DELETED' } }, orderBy: { accountId: 'asc' } });
}

export async function listCertificates(ctx: IdentityContext, facilityId: string) {
  const user = requireUser(ctx);
  if (!can(user, 'facility.supervise', { facilityId }) && !can(user, 'certificate.issue', { facilityId })) {
    await forbid(ctx, 'certificate.list', 'Facility', facilityId);
  }
  return ctx.db.clientCertificate.findMany({ where: { facilityId }, orderBy: { issuedAt: 'desc' } });
}

export function maySeeSubjects(ctx: IdentityContext): boolean {
  const user = requireUser(ctx);
  return can(user, 'room.submit') || can(user, 'room.decide');
}

export async function readSubject(ctx: IdentityContext, id: string): Promise<Subject | null> {
  if (!maySeeSubjects(ctx)) await forbid(ctx, 'subject.read', 'Subject', id);
  // Unrelated and unknown subjects are refused alike, so a refusal does not say whether the id names someone.
  // A person named in a break-glass access reads the record too (whose room they are opening). Such a
  // read is marked in the audit event, as rooms marks the grantee's reads of the room, so the review
  // after the emergency finds it.
  const related = await ctx.careOf.load(id);
  if (!related && !(await ctx.readCareOf.load(id))) await forbid(ctx, 'subject.read', 'Subject', id);
  const subject = await ctx.subjectById.load(id);
  await recordAuditAlone(ctx.db, ctx.principal, {
    action: 'subject.read',
    outcome: subject ? 'SUCCESS' : 'FAILURE',
    targetType: 'Subject',
    targetId: id,
    ...(related ? {} : { details: { basis: 'EMERGENCY' } }),
  });
  return subject;
}
