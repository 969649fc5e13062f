// Art. 20-3: our USER asks to join a room of a partner system. The request
// climbs the one application workflow (lib/workflow) on its own route: the
// user asks (partner.askOutboundJoin), the facility manager of the user's
// facility confirms (partner.forwardOutboundJoin), the system admin approves
// or rejects (partner.requestOutboundJoin). Approval writes rooms' outbox
// event in the same transaction, so the request reaches the partner exactly
// when the approval committed (adapters/jobs/outbound-join-send.ts). The
// requester may withdraw until the partner decides; after approval that asks
// the partner to cancel its Task (decideWithdrawalAfterApproval).
//
// Rooms owns cross-system join requests. The share code the user received
// from the partner's admin is a credential: it is stored until the partner
// has the Task (then cleared), never returned by the graph, never logged or
// put in a job payload. Every step, and every refused step, is in rooms'
// access records, `what` = outbound-join.<step>#<request id> (the correlation
// id the partner sees as the Task identifier).
import { randomUUID } from 'node:crypto';
import { type GraphQLError } from 'graphql';
import { z } from 'zod';
import type {
  OutboundJoinRequest,
  OutboundJoinStatus,
  OutboundJoinStep,
  Prisma,
} from '../../../../generated/prisma/client';
import { requireSignedIn } from '../../../../lib/access/guard';
import { can } from '../../../../lib/access/permissions';
import type { UserPrincipal } from '../../../../lib/access/principal';
import { appError, notFound } from '../../../../lib/graphql-errors';
import { shareCodeLength } from '../../../../lib/exchange/share-code-limits';
import { text, uuid } from '../../../../lib/input';
import { decideRouteStep, type ApplicationAction, type FormRoute } from '../../../../lib/workflow/application-workflow';
import { stepRow, takeApplicationStep } from '../../../../lib/workflow/application-step';
import type { RoomsContext, RoomsTx } from '../../context';
import { recordAccess, recordAccessAlone } from '../../services/access-records';
import { appendRoomsOutboxEvent } from '../../services/outbox';
import { outboundJoinApprovedEvent, outboundJoinWithdrawnEvent } from '../../events';
import { requireActivePartner } from '../../services/directory-view';
import { decideWithdrawalAfterApproval, undecidedAtPartner } from '../domain/outbound-withdrawal';
import type { Message } from '../../../../lib/messages/message';
import { refusalMessage } from '../../../../lib/access/refusals';
import { inputMessage } from '../../../../lib/messages/input-issues';

export const outboundJoinRoute: FormRoute = {
  submit: 'partner.askOutboundJoin',
  forward: 'partner.forwardOutboundJoin',
  decide: 'partner.requestOutboundJoin',
  forwardRequired: true,
  copyToSystemAdminWhenDecidedBy: [],
};
const routeName: Message = { en: 'outbound partner join', ja: '他団体のシステムへの参加' };

/**
 * As the partner's admin handed it over: no spaces, URL-safe characters (it
 * travels as a FHIR identifier value), within the one bound both directions
 * share (a code we would refuse inbound is refused here too).
 */
export const shareCode = z
  .string()
  .trim()
  .min(shareCodeLength.min)
  .max(shareCodeLength.max)
  .regex(
    /^[A-Za-z0-9._~-]+$/,
    inputMessage({
      en: 'Give the code as received (letters, digits, . _ ~ -).',
      ja: '受け取ったとおりのコード（英数字と . _ ~ -）を入力してください。',
    }),
  );

export const askInput = z.object({
  partnerId: uuid,
  shareCode,
  reason: text(1000),
  /** Contract v2: our subject whose consent the join is asked under (optional). */
  subjectId: uuid.nullish(),
});
export const rejectInput = z.object({ id: uuid, reason: text(1000) });
export const listInput = z.object({
  status: z.enum(['SUBMITTED', 'FORWARDED', 'APPROVED', 'REJECTED', 'WITHDRAWN']).nullish(),
});

/** The access records' `what` (as inbound joins write theirs): the request id is the correlation id shared with the partner. */
export const auditWhat = (requestId: string | null, action: string) =>
  `outbound-join.${action}${requestId ? `#${requestId}` : ''}`;
const noRoom = { id: null, subjectId: null };

async function refuseWith(
  ctx: RoomsContext,
  user: UserPrincipal,
  requestId: string | null,
  step: string,
  code: 'FORBIDDEN' | 'ILLEGAL_TRANSITION' | 'NOT_FOUND',
  message: Message,
): Promise<GraphQLError> {
  await recordAccessAlone(ctx.db, {
    actor: user,
    room: noRoom,
    action: 'DENIED',
    what: auditWhat(requestId, step),
    outcome: code,
  });
  return appError(code, message);
}

async function step(
  tx: RoomsTx,
  requestId: string,
  action: ApplicationAction,
  actor: UserPrincipal,
  reason: string | null,
): Promise<void> {
  await tx.outboundJoinStep.create({ data: { requestId, ...stepRow(action, actor, reason) } });
  await recordAccess(tx, {
    actor,
    room: noRoom,
    action: 'WRITE',
    what: auditWhat(requestId, action),
    outcome: 'SUCCESS',
  });
}

/** A USER asks; the request belongs to its own facility (whose manager confirms). */
export async function askOutboundJoin(
  ctx: RoomsContext,
  input: z.infer<typeof askInput>,
): Promise<OutboundJoinRequest> {
  const user = requireSignedIn(ctx.principal);
  if (!can(user, outboundJoinRoute.submit, { facilityId: user.facilityId })) {
    throw await refuseWith(
      ctx,
      user,
      null,
      'submit',
      'FORBIDDEN',
      refusalMessage(user.role, [outboundJoinRoute.submit]),
    );
  }
  await requireActivePartner(ctx.db, input.partnerId);
  // Need to know: only a subject the asker has a care relationship with; any other is the same refusal as an unknown one.
  if (input.subjectId && !(await ctx.careOf.load(input.subjectId)))
    throw await refuseWith(ctx, user, null, 'submit', 'NOT_FOUND', {
      en: 'There is no such subject among those you care for. Check the id.',
      ja: 'あなたが支援している対象者にその対象者はいません。ID を確認してください。',
    });
  return ctx.db.$transaction(async (tx) => {
    const request = await tx.outboundJoinRequest.create({
      data: {
        id: randomUUID(),
        partnerId: input.partnerId,
        shareCode: input.shareCode,
        reason: input.reason,
        facilityId: user.facilityId,
        requestedBy: user.userId,
        subjectId: input.subjectId ?? null,
      },
    });
    await step(tx, request.id, 'submit', user, null);
    return request;
  });
}

/** Confirm (forward), approve (and hand to the partner through the outbox), reject or withdraw. */
export async function actOnOutboundJoin(
  ctx: RoomsContext,
  id: string,
  action: 'forward' | 'approve' | 'reject' | 'withdraw',
  reason: string | null = null,
): Promise<OutboundJoinRequest> {
  const actor = requireSignedIn(ctx.principal);
  // A withdrawal after approval (decideWithdrawalAfterApproval) asks the partner to cancel what it may hold.
  const lateWithdrawal = (current: OutboundJoinRequest) => action === 'withdraw' && current.status === 'APPROVED';
  return takeApplicationStep<OutboundJoinRequest, RoomsTx, OutboundJoinRequest>({
    name: { en: 'outbound join request', ja: '他団体のシステムへの参加申請' },
    changedName: { en: 'request', ja: '申請' },
    load: () => ctx.db.outboundJoinRequest.findUnique({ where: { id } }),
    decide: (current) =>
      lateWithdrawal(current)
        ? decideWithdrawalAfterApproval(current, actor)
        : decideRouteStep(
            outboundJoinRoute,
            routeName,
            { status: current.status, facilityId: current.facilityId, submittedBy: current.requestedBy },
            action,
            actor,
          ),
    refused: async (_current, refusal) => {
      await refuseWith(ctx, actor, id, action, refusal.code, refusal.reason);
    },
    transaction: (work) => ctx.db.$transaction(work),
    // Conditional on the status read: a late withdrawal races the send job instead: it wins over a send not yet
    // attempted (markSendAttempted is conditional on APPROVED), and a Task the partner got meanwhile is recorded and cancelled.
    transition: (tx, current, allowed) =>
      tx.outboundJoinRequest.updateMany({
        where: {
          id,
          status: current.status,
          ...(lateWithdrawal(current) ? { exchangeStatus: { in: [...undecidedAtPartner] } } : {}),
        },
        // A request that will never be sent does not keep the partner's credential.
        data: {
          status: allowed.next as OutboundJoinStatus,
          decisionReason: reason ?? undefined,
          ...(action === 'reject' || action === 'withdraw' ? { shareCode: null } : {}),
        },
      }),
    reload: (tx) => tx.outboundJoinRequest.findUniqueOrThrow({ where: { id } }),
    appendStep: (tx) => step(tx, id, action, actor, reason),
    effects: async (tx, { current, moved }) => {
      const late = lateWithdrawal(current);
      if (action === 'approve') await appendRoomsOutboxEvent(tx, outboundJoinApprovedEvent, { requestId: id });
      // Whether the partner holds a Task is the job's to find out (it may hold one we never heard back about).
      if (late) await appendRoomsOutboxEvent(tx, outboundJoinWithdrawnEvent, { requestId: id });
      return moved;
    },
    failed: (_current, code) =>
      recordAccessAlone(ctx.db, { actor, room: noRoom, action: 'DENIED', what: auditWhat(id, action), outcome: code }),
  });
}

/** Who may see a request: its requester, its facility's manager, the system admin (who decides). */
function visibleTo(user: UserPrincipal): Prisma.OutboundJoinRequestWhereInput {
  if (can(user, outboundJoinRoute.decide)) return {};
  if (can(user, outboundJoinRoute.forward, { facilityId: user.facilityId }))
    return { OR: [{ facilityId: user.facilityId }, { requestedBy: user.userId }] };
  return { requestedBy: user.userId };
}

export function listOutboundJoins(ctx: RoomsContext, input: z.infer<typeof listInput>): Promise<OutboundJoinRequest[]> {
  const user = requireSignedIn(ctx.principal);
  return ctx.db.outboundJoinRequest.findMany({
    where: { AND: [visibleTo(user), input.status ? { status: input.status } : {}] },
    orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
}

/** How many requests the caller may see are in the status: one COUNT. */
export function countOutboundJoins(ctx: RoomsContext, input: z.infer<typeof listInput>): Promise<number> {
  const user = requireSignedIn(ctx.principal);
  return ctx.db.outboundJoinRequest.count({
    where: { AND: [visibleTo(user), input.status ? { status: input.status } : {}] },
  });
}

export async function getOutboundJoin(ctx: RoomsContext, id: string): Promise<OutboundJoinRequest> {
  const user = requireSignedIn(ctx.principal);
  const request = await ctx.db.outboundJoinRequest.findFirst({ where: { AND: [{ id }, visibleTo(user)] } });
  if (request) return request;
  const exists = await ctx.db.outboundJoinRequest.findUnique({ where: { id }, select: { id: true } });
  if (!exists)
    throw notFound({
      en: 'There is no such outbound join request. Check the id.',
      ja: 'その他団体のシステムへの参加申請はありません。ID を確認してください。',
    });
  throw await refuseWith(ctx, user, id, 'read', 'FORBIDDEN', {
    en: 'You may not see this outbound join request: it is for the person who asked, their facility manager and the system administrator.',
    ja: 'この参加申請は閲覧できません。閲覧できるのは申請した本人、そのシステム管理責任者とシステム管理者です。',
  });
}

export function stepsOf(ctx: RoomsContext, request: OutboundJoinRequest): Promise<OutboundJoinStep[]> {
  return ctx.db.outboundJoinStep.findMany({
    where: { requestId: request.id },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
}
