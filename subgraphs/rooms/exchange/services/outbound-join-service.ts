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
import { GraphQLError } from 'graphql';
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
import { appError, conflict, notFound } from '../../../../lib/graphql-errors';
import { shareCodeLength } from '../../../../lib/exchange/share-code-limits';
import { text, uuid } from '../../../../lib/input';
import { decideRouteStep, type ApplicationAction, type FormRoute } from '../../../../lib/workflow/application-workflow';
import type { RoomsContext, RoomsTx } from '../../context';
import { recordAccess, recordAccessAlone } from '../../services/access-records';
import { appendRoomsOutboxEvent } from '../../services/outbox';
import { outboundJoinApprovedEvent, outboundJoinWithdrawnEvent } from '../../events';
import { requireActivePartner } from '../../services/directory-view';
import { decideWithdrawalAfterApproval, undecidedAtPartner } from '../domain/outbound-withdrawal';

export const outboundJoinRoute: FormRoute = {
  submit: 'partner.askOutboundJoin',
  forward: 'partner.forwardOutboundJoin',
  decide: 'partner.requestOutboundJoin',
  forwardRequired: true,
  copyToSystemAdminWhenDecidedBy: [],
};
const routeName = 'outbound partner join';

/**
 * As the partner's admin handed it over: no spaces, URL-safe characters (it
 * travels as a FHIR identifier value), within the one bound both directions
 * share (a code we would refuse inbound is refused here too).
 */
export const shareCode = z
  .string()
  .trim()
  .min(shareCodeLength.min, `must be at least ${shareCodeLength.min} characters`)
  .max(shareCodeLength.max, `must be at most ${shareCodeLength.max} characters`)
  .regex(/^[A-Za-z0-9._~-]+$/, 'must be the code as received (letters, digits, . _ ~ -)');

export const askInput = z.object({ partnerId: uuid, shareCode, reason: text(1000) });
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
  code: 'FORBIDDEN' | 'ILLEGAL_TRANSITION',
  message: string,
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
  await tx.outboundJoinStep.create({
    data: { id: randomUUID(), requestId, action, actorId: actor.userId, actorRole: actor.role, reason, at: new Date() },
  });
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
      `a ${user.role} may not ask to join a partner's room`,
    );
  }
  await requireActivePartner(ctx.db, input.partnerId);
  return ctx.db.$transaction(async (tx) => {
    const request = await tx.outboundJoinRequest.create({
      data: {
        id: randomUUID(),
        partnerId: input.partnerId,
        shareCode: input.shareCode,
        reason: input.reason,
        facilityId: user.facilityId,
        requestedBy: user.userId,
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
  const current = await ctx.db.outboundJoinRequest.findUnique({ where: { id } });
  if (!current) throw notFound('no such outbound join request');
  const late = action === 'withdraw' && current.status === 'APPROVED';
  const decision = late
    ? decideWithdrawalAfterApproval(current, actor)
    : decideRouteStep(
        outboundJoinRoute,
        routeName,
        { status: current.status, facilityId: current.facilityId, submittedBy: current.requestedBy },
        action,
        actor,
      );
  if (!decision.ok) throw await refuseWith(ctx, actor, id, action, decision.code, decision.reason);
  try {
    return await ctx.db.$transaction(async (tx) => {
      // Conditional on the status read above: a concurrent step makes this update match nothing. A late
      // withdrawal races the send job instead: it wins over a send not yet attempted (markSendAttempted
      // is conditional on APPROVED), and a Task the partner got meanwhile is recorded and cancelled.
      const moved = await tx.outboundJoinRequest.updateMany({
        where: { id, status: current.status, ...(late ? { exchangeStatus: { in: [...undecidedAtPartner] } } : {}) },
        // A request that will never be sent does not keep the partner's credential.
        data: {
          status: decision.next as OutboundJoinStatus,
          decisionReason: reason ?? undefined,
          ...(action === 'reject' || action === 'withdraw' ? { shareCode: null } : {}),
        },
      });
      if (moved.count !== 1) throw conflict('the request changed meanwhile; reload it');
      await step(tx, id, action, actor, reason);
      if (action === 'approve') await appendRoomsOutboxEvent(tx, outboundJoinApprovedEvent, { requestId: id });
      // Whether the partner holds a Task is the job's to find out (it may hold one we never heard back about).
      if (late) await appendRoomsOutboxEvent(tx, outboundJoinWithdrawnEvent, { requestId: id });
      return tx.outboundJoinRequest.findUniqueOrThrow({ where: { id } });
    });
  } catch (error) {
    if (error instanceof GraphQLError && typeof error.extensions.code === 'string') {
      await recordAccessAlone(ctx.db, {
        actor,
        room: noRoom,
        action: 'DENIED',
        what: auditWhat(id, action),
        outcome: error.extensions.code,
      });
    }
    throw error;
  }
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

export async function getOutboundJoin(ctx: RoomsContext, id: string): Promise<OutboundJoinRequest> {
  const user = requireSignedIn(ctx.principal);
  const request = await ctx.db.outboundJoinRequest.findFirst({ where: { AND: [{ id }, visibleTo(user)] } });
  if (request) return request;
  const exists = await ctx.db.outboundJoinRequest.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw notFound('no such outbound join request');
  throw await refuseWith(ctx, user, id, 'read', 'FORBIDDEN', 'not allowed to see this outbound join request');
}

export function stepsOf(ctx: RoomsContext, request: OutboundJoinRequest): Promise<OutboundJoinStep[]> {
  return ctx.db.outboundJoinStep.findMany({
    where: { requestId: request.id },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
}
