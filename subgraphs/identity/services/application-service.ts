// Forms 1-5 through the one application workflow: submit, forward, approve
// or reject with a reason, apply on approval, withdraw. Every step is one
// transaction with its history row and its audit row, so a failed step
// (including a failed apply) leaves nothing half-written.
import { randomUUID } from 'node:crypto';
import type { Application, Prisma } from '../../../generated/prisma/client';
import type { UserPrincipal } from '../../../lib/access/principal';
import { notFound } from '../../../lib/graphql-errors';
import { maySubmit, type ApplicationAction, type FormNumber } from '../../../lib/workflow/application-workflow';
import { decideFormStep, formTransition, stepRow, takeApplicationStep } from '../../../lib/workflow/application-step';
import type { IdentityContext } from '../context';
import {
  form1,
  form2,
  form3,
  form4,
  form5,
  isLateSubmission,
  onlySystemAdminMayGrant,
} from '../domain/application-forms';
import { parseInput } from '../../../lib/input';
import { forbid, requireUser } from './access-guard';
import { recordAudit } from './audit-service';
import {
  applyApprovedForm,
  assertFacilityCodesFree,
  orgUnitIdFor,
  prepareCredentials,
  type IssuedAccount,
  type NewCredentials,
} from './form-application';
import { activeFacility } from './facility-service';

type Tx = Prisma.TransactionClient;

export interface SubmitRequest {
  form: FormNumber;
  /** The facility concerned: required for Forms 2-5, absent for Form 1. */
  facilityId: string | null;
  content: unknown;
  /** Set when a system or admin manager records a paper form for its applicant. */
  onPaperFor?: string | null;
}

const schemas = { 1: form1, 2: form2, 3: form3, 4: form4, 5: form5 } as const;

export async function submitApplication(ctx: IdentityContext, request: SubmitRequest): Promise<Application> {
  const actor = requireUser(ctx);
  const form = request.form as 1 | 2 | 3 | 4 | 5;
  const content = parseInput(schemas[form], request.content) as Record<string, unknown>;
  const onPaper = Boolean(request.onPaperFor);
  const paperClerk = actor.role === 'SYSTEM_ADMIN' || actor.role === 'ADMIN_MANAGER';
  if (onPaper ? !paperClerk : !maySubmit(request.form, actor, request.facilityId)) {
    await forbid(ctx, `application.submit.form${form}`, 'Facility', request.facilityId);
  }
  if (form !== 1)
    await activeFacility(ctx, request.facilityId, {
      en: "A stopped facility's requests are not accepted.",
      ja: '利用停止中の施設の申請は受け付けられません。',
    });
  if (form === 1 || form === 2) await assertFacilityCodesFree(ctx.db, content, request.facilityId);
  if (form === 5) await requireUserOfFacility(ctx, content.userId as string, request.facilityId as string);
  // The department or hospital must exist (and be of the role's kind) when the form is filed, not only when it is decided.
  if ((form === 4 || form === 5) && content.orgUnitCode && content.role)
    await orgUnitIdFor(ctx.db, content.orgUnitCode as string, content.role as string);
  const now = ctx.now();
  const eventDate = typeof content.eventDate === 'string' ? content.eventDate : null;
  return ctx.db.$transaction(async (tx) => {
    const application = await tx.application.create({
      data: {
        id: randomUUID(),
        form,
        facilityId: request.facilityId,
        content: content as Prisma.InputJsonValue,
        submittedBy: actor.userId,
        onPaperFor: request.onPaperFor ?? null,
        eventDate: eventDate ? new Date(`${eventDate}T00:00:00Z`) : null,
        lateSubmission: form === 5 && eventDate !== null && isLateSubmission(eventDate, now),
        submittedAt: now,
      },
    });
    await step(tx, ctx, application, 'submit', actor, null);
    return application;
  });
}

async function requireUserOfFacility(ctx: IdentityContext, userId: string, facilityId: string): Promise<void> {
  const user = await ctx.userById.load(userId);
  if (!user || user.facilityId !== facilityId || user.status === 'DELETED')
    throw notFound({
      en: 'There is no such user at this facility. Check the user id.',
      ja: 'この施設にその利用者はいません。利用者の ID を確認してください。',
    });
}

async function step(
  tx: Tx,
  ctx: IdentityContext,
  application: Application,
  action: ApplicationAction,
  actor: UserPrincipal,
  reason: string | null,
) {
  await tx.applicationStep.create({
    data: { applicationId: application.id, ...stepRow(action, actor, reason, ctx.now()) },
  });
  await recordAudit(tx, ctx.principal, {
    action: `application.${action}`,
    outcome: 'SUCCESS',
    targetType: 'Application',
    targetId: application.id,
    details: { form: application.form },
  });
}

export interface Decision {
  application: Application;
  issuedAccount: IssuedAccount | null;
}

/** Forward, approve (and apply), reject or withdraw. */
export async function actOnApplication(
  ctx: IdentityContext,
  id: string,
  action: 'forward' | 'approve' | 'reject' | 'withdraw',
  reason: string | null = null,
): Promise<Decision> {
  const actor = requireUser(ctx);
  return takeApplicationStep<Application, Tx, Decision, NewCredentials | null>({
    name: { en: 'application', ja: '申請' },
    load: () => ctx.db.application.findUnique({ where: { id } }),
    decide: async (current) => {
      const decision = decideFormStep(current, action, actor);
      if (decision.ok && action === 'approve' && (current.form === 4 || current.form === 5))
        await checkRoleGrant(ctx, actor, current, action);
      return decision;
    },
    // Identity audits refused authorization (forbid answers it itself); an illegal transition is only answered.
    refused: async (current, refusal) => {
      if (refusal.code === 'FORBIDDEN')
        await forbid(ctx, `application.${action}.form${current.form}`, 'Application', id);
    },
    prepare: (current) => (action === 'approve' ? prepareCredentials(ctx, current) : Promise.resolve(null)),
    transaction: (work) => ctx.db.$transaction(work),
    transition: (tx, current, allowed) => tx.application.updateMany(formTransition(current, allowed, reason)),
    reload: (tx) => tx.application.findUniqueOrThrow({ where: { id } }),
    appendStep: (tx, application) => step(tx, ctx, application, action, actor, reason),
    effects: async (tx, { moved: application, prepared }) => {
      if (action !== 'approve') return { application, issuedAccount: null };
      const applied = await applyApprovedForm(tx, ctx, application, prepared ?? null);
      // A Form 1 concerns a facility that exists only from now on: record it, so Application.facility resolves.
      const registered = application.form === 1 ? { facilityId: applied.resultId } : {};
      await tx.application.update({
        where: { id },
        data: { status: 'APPLIED', resultId: applied.resultId, ...registered },
      });
      const done = await tx.application.findUniqueOrThrow({ where: { id } });
      await step(tx, ctx, done, 'apply', actor, null);
      return { application: done, issuedAccount: applied.issuedAccount };
    },
    // The database's one-facility-manager index (Art. 4-3) refuses what a concurrent step made impossible.
    uniqueViolation: {
      en: 'A change made at the same time made this step impossible. Reload and try again.',
      ja: '同時に行われた変更のため、この操作はできなくなりました。読み込み直してからやり直してください。',
    },
  });
}

/**
 * An admin manager may not issue or grant manager roles (its peers and
 * superiors), nor change or retire the account of one (a Form 5 about a
 * system admin, admin manager or hospital manager is the system admin's).
 */
async function checkRoleGrant(
  ctx: IdentityContext,
  actor: UserPrincipal,
  application: Application,
  action: string,
): Promise<void> {
  if (action !== 'approve' || actor.role === 'SYSTEM_ADMIN') return;
  const content = application.content as { role?: string; userId?: string };
  const target = application.form === 5 && content.userId ? await ctx.userById.load(content.userId) : null;
  const rolesConcerned = [content.role, target?.role].filter(
    (role): role is Parameters<typeof onlySystemAdminMayGrant>[0] => Boolean(role),
  );
  if (rolesConcerned.some(onlySystemAdminMayGrant)) {
    await forbid(ctx, `application.approve.form${application.form}.role`, 'Application', application.id);
  }
}
