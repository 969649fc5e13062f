// Fault reports (Art. 22): reported by any user, forwarded by the facility
// manager, investigated and answered by the system admin. Every step is one
// transaction with its history row and audit row.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FaultReport, Prisma } from '../../../generated/prisma/client';
import { appError, notFound } from '../../../lib/graphql-errors';
import { instant, text } from '../../../lib/input';
import type { IdentityContext } from '../context';
import { decideFaultStep, initialStatus, maySeeFault, type FaultAction } from '../domain/fault-rules';
import { authorize, forbid, requireUser } from './access-guard';
import { recordAudit } from './audit-service';

export const reportFaultInput = z
  .object({
    occurredAt: instant,
    summary: text(200),
    details: text(5000),
  })
  .strict();

export async function reportFault(ctx: IdentityContext, input: z.infer<typeof reportFaultInput>): Promise<FaultReport> {
  const reporter = await authorize(ctx, 'fault.report', { type: 'FaultReport' });
  const occurredAt = input.occurredAt;
  if (occurredAt > ctx.now())
    throw appError(
      'BAD_USER_INPUT',
      { en: 'occurredAt: It must not be in the future.', ja: 'occurredAt: 未来の日時は指定できません。' },
      { field: 'occurredAt' },
    );
  const status = initialStatus(reporter);
  return ctx.db.$transaction(async (tx) => {
    const fault = await tx.faultReport.create({
      data: {
        id: randomUUID(),
        facilityId: reporter.facilityId,
        reportedBy: reporter.userId,
        occurredAt,
        summary: input.summary,
        details: input.details,
        status,
      },
    });
    await tx.faultStep.create({
      data: {
        id: randomUUID(),
        faultId: fault.id,
        status,
        actorId: reporter.userId,
        actorRole: reporter.role,
        at: ctx.now(),
      },
    });
    await recordAudit(tx, ctx.principal, {
      action: 'fault.report',
      outcome: 'SUCCESS',
      targetType: 'FaultReport',
      targetId: fault.id,
    });
    return fault;
  });
}

export async function actOnFault(
  ctx: IdentityContext,
  id: string,
  action: FaultAction,
  note: string | null,
): Promise<FaultReport> {
  const actor = requireUser(ctx);
  const fault = await ctx.db.faultReport.findUnique({ where: { id } });
  if (!fault || !maySeeFault(fault, actor))
    throw notFound({
      en: 'There is no such fault report. Check the id.',
      ja: 'その障害報告はありません。ID を確認してください。',
    });
  const decision = decideFaultStep(fault, action, actor);
  if (!decision.ok && decision.code === 'FORBIDDEN')
    await forbid(ctx, `fault.${action}`, 'FaultReport', id, decision.reason);
  if (!decision.ok) throw appError('ILLEGAL_TRANSITION', decision.reason);
  if (action === 'resolve' && !note)
    throw appError(
      'BAD_USER_INPUT',
      { en: 'response: Record the response to the fault.', ja: 'response: 障害への対応内容を記録してください。' },
      { field: 'response' },
    );
  return ctx.db.$transaction(async (tx) => {
    const moved = await tx.faultReport.updateMany({
      where: { id, status: fault.status },
      data: { status: decision.next, ...(action === 'resolve' ? { response: note } : {}) },
    });
    if (moved.count !== 1)
      throw appError('CONFLICT', {
        en: 'The fault report changed meanwhile. Reload it and try again.',
        ja: 'その間に障害報告が変更されました。読み込み直してからやり直してください。',
      });
    await tx.faultStep.create({
      data: {
        id: randomUUID(),
        faultId: id,
        status: decision.next,
        actorId: actor.userId,
        actorRole: actor.role,
        note,
        at: ctx.now(),
      },
    });
    await recordAudit(tx, ctx.principal, {
      action: `fault.${action}`,
      outcome: 'SUCCESS',
      targetType: 'FaultReport',
      targetId: id,
    });
    return tx.faultReport.findUniqueOrThrow({ where: { id } });
  });
}

/** The reports the viewer may see (the system admin all, a facility manager its facility's and its own, others their own), in the status. */
function visibleFaults(ctx: IdentityContext, status: string | null | undefined): Prisma.FaultReportWhereInput {
  const viewer = requireUser(ctx);
  const visible: Prisma.FaultReportWhereInput =
    viewer.role === 'SYSTEM_ADMIN'
      ? {}
      : viewer.role === 'FACILITY_MANAGER'
        ? { OR: [{ facilityId: viewer.facilityId }, { reportedBy: viewer.userId }] }
        : { reportedBy: viewer.userId };
  return { AND: [visible, status ? { status: status as FaultReport['status'] } : {}] };
}

export function listFaults(ctx: IdentityContext, status: string | null | undefined) {
  return ctx.db.faultReport.findMany({
    where: visibleFaults(ctx, status),
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
}

/** How many of the reports the viewer may see are in the status: one COUNT. */
export function countFaults(ctx: IdentityContext, status: string | null | undefined): Promise<number> {
  return ctx.db.faultReport.count({ where: visibleFaults(ctx, status) });
}
