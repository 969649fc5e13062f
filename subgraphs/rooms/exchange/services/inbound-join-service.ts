// Art. 20-2 inbound joins: a partner system's administrator asks us to
// register one of its users into one of our rooms. The request arrives as a
// FHIR Task (adapters/fhir), becomes an InboundJoinRequest here through a job,
// and a system admin, or the admin/hospital manager who opened the room,
// approves or rejects it. On approval the partner's user becomes an external
// participant: no local account, shown as asserted by the partner.
//
// A request that ends without a decision is CANCELLED, never left pending:
// the partner cancels its Task (adapters/fhir), a manager withdraws it
// (cancelInboundJoin), its share code is revoked, the partner is suspended
// (adapters/jobs/inbound-join-partner-suspended.ts). Closing the room rejects
// it (rejectPendingOnClose), as before.
//
// Trace: the request keeps the Task id as its correlation id; every step
// (received, approved, rejected, cancelled) is kept with who acted; every write is in
// rooms' chained access record with the correlation id in `what`
// ("inbound-join.approve#<task id>"); the decision reaches the Task through
// rooms' outbox (event inbound-join.decided).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type Prisma,
  type ExternalParticipant,
  type InboundJoinRequest,
  type InboundJoinStep,
  type Room,
} from '../../../../generated/prisma/client';
import { appendAccessRecord } from '../../../../lib/audit/access-log';
import { can } from '../../../../lib/access/permissions';
import { requireSignedIn } from '../../../../lib/access/guard';
import type { UserPrincipal } from '../../../../lib/access/principal';
import { appError, notFound } from '../../../../lib/graphql-errors';
import type { RoomsContext, RoomsDb, RoomsTx } from '../../context';
import { chainStore, recordAccess, recordAccessAlone } from '../../services/access-records';
import { appendRoomsOutboxEvent } from '../../services/outbox';
import { inboundJoinDecidedEvent } from '../../events';
import { accessOf, authorizeRoom, findRoom, refuse } from '../../services/room-guard';
import { refusalMessage } from '../../../../lib/access/refusals';
import type { Message } from '../../../../lib/messages/message';

const requestStatusNames: Record<string, Message> = {
  APPROVED: { en: 'approved', ja: '承認済み' },
  REJECTED: { en: 'rejected', ja: '却下済み' },
  CANCELLED: { en: 'cancelled', ja: '取消済み' },
};

function alreadyDecided(status: string): Message {
  const name = requestStatusNames[status] ?? { en: status.toLowerCase(), ja: status };
  return { en: `The request is already ${name.en}.`, ja: `この依頼はすでに${name.ja}です。` };
}

const organizationIdentifier = z
  .object({ system: z.string().min(1).max(300), value: z.string().min(1).max(200) })
  .strict();

/**
 * The consent under which a partner asks (contract v2): purposes (our codes),
 * the date, who consented as a role, never a name. Stored with the request
 * so the deciders see the basis and the decision is recorded with it.
 */
export const consentBasisSchema = z
  .object({
    purposes: z.array(z.string().min(1).max(64)).min(1).max(20),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    consenter: z.enum(['SUBJECT', 'REPRESENTATIVE']),
    relationship: z.string().min(1).max(64).nullable(),
  })
  .strict();
export type ConsentBasis = z.infer<typeof consentBasisSchema>;

/** What the adapters hand over once a partner's Task is stored (names as the partner asserts them). */
export const inboundJoinInput = z
  .object({
    correlationId: z.string().uuid(),
    roomId: z.string().uuid(),
    partnerId: z.string().uuid(),
    shareCodeId: z.string().uuid(),
    taskIdentifier: z.string().min(1).max(520),
    requesterName: z.string().max(200).nullable(),
    practitionerSystem: z.string().min(1).max(300),
    practitionerValue: z.string().min(1).max(200),
    practitionerName: z.string().min(1).max(200),
    organizationName: z.string().min(1).max(200),
    /** Contract v2: the organisation's identifiers, normalised to JP Core's forms by the FHIR adapter. */
    organizationIdentifiers: z.array(organizationIdentifier).max(10),
    /** Contract v2: the summary of the Consent the Task carried (adapters/fhir/join-consent.ts), null without one. */
    consentBasis: consentBasisSchema.nullable(),
    reason: z.string().min(1).max(2000),
  })
  .strict();

export type InboundJoinDb = Pick<
  RoomsDb,
  | 'inboundJoinRequest'
  | 'inboundJoinStep'
  | 'externalParticipant'
  | 'room'
  | 'roomShareCode'
  | 'roomsAccessRecord'
  | 'roomsOutboxEvent'
  | '$executeRaw'
  | '$queryRaw'
  | '$transaction'
>;

/** A transaction that can take row locks (SELECT ... FOR SHARE). */
export type LockingTx = RoomsTx & Pick<RoomsDb, '$queryRaw'>;

/** Who ended a request without a decision: the partner, the system (a suspension), or one of our users. */
export type Canceller =
  | { kind: 'partner'; partnerId: string }
  | { kind: 'system' }
  | { kind: 'user'; user: UserPrincipal };

/** Reasons the partner reads in the Task's statusReason. */
export const shareCodeRevokedReason = 'the share code was revoked';
export const partnerSuspendedReason = 'the partner was suspended';
export const cancelledByRequesterReason = 'cancelled by the requester';

/**
 * The access records' reference to a request: our Task id and the
 * requester's own id for it (the Task identifier's value; for another
 * installation of this software, its outbound request id, which its own
 * records carry as `outbound-join.<step>#<id>`). So the one id the requester
 * chose is in both sides' access records.
 */
export function traceOf(request: Pick<InboundJoinRequest, 'correlationId' | 'taskIdentifier'>): string {
  const bar = request.taskIdentifier.indexOf('|');
  return `${request.correlationId}|${request.taskIdentifier.slice(bar + 1)}`;
}

function systemRecord(
  tx: Pick<RoomsTx, 'roomsAccessRecord' | '$executeRaw'>,
  room: { id: string; subjectId: string },
  partnerId: string | null,
  what: string,
) {
  return appendAccessRecord(chainStore(tx), {
    at: new Date(),
    actorId: null,
    // The partner asked (or the system acted); no user of ours did.
    actorRole: partnerId ? `PARTNER:${partnerId}` : 'SYSTEM',
    subjectId: room.subjectId,
    roomId: room.id,
    action: 'WRITE',
    what,
    outcome: 'SUCCESS',
  });
}

/**
 * Creates the request for a stored inbound Task, in a transaction of its
 * own. Idempotent on the correlation id: a retried or duplicated job returns
 * the existing request (two at once: the second's insert waits for the
 * first to commit, then skips; see createInboundJoinRequestIn).
 */
export function createInboundJoinRequest(
  db: InboundJoinDb,
  input: z.infer<typeof inboundJoinInput>,
  state: CreationState = {},
): Promise<{ request: InboundJoinRequest; created: boolean }> {
  return db.$transaction((tx) => createInboundJoinRequestIn(tx, input, state));
}

export interface CreationState {
  /** The partner cancelled its Task before the request existed: the request is created cancelled, for the record. */
  cancelled?: { by: Canceller; reason: string };
}

/**
 * The same, inside the caller's transaction (the inbound job holds the Task's
 * row lock there, so a partner's cancellation cannot slip in between). The
 * share code and room rows are read FOR SHARE: a revocation or a closing
 * running at the same moment waits for this request to commit, then finds
 * it pending and ends it; or it committed first and this request is created
 * already ended. Either way nothing stays pending.
 *
 * This is the exchange's busiest transaction (one per inbound Task), so each
 * step is one statement: the insert skips a duplicate instead of looking
 * first, the locks return the rows they lock, and the request is read back
 * only when something after the insert changed it.
 */
export async function createInboundJoinRequestIn(
  tx: LockingTx,
  input: z.infer<typeof inboundJoinInput>,
  state: CreationState = {},
): Promise<{ request: InboundJoinRequest; created: boolean }> {
  const created: InboundJoinRequest = {
    id: randomUUID(),
    ...input,
    consentBasis: input.consentBasis ?? null,
    status: 'PENDING',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    receivedAt: new Date(),
  };
  if (!(await insertReceivedUnlessCorrelated(tx, created))) {
    const existing = await tx.inboundJoinRequest.findUniqueOrThrow({ where: { correlationId: input.correlationId } });
    return { request: existing, created: false };
  }
  const [room] = await tx.$queryRaw<
    Array<{ id: string; subjectId: string; status: string; codeRevokedAt: Date | null }>
  >`
    SELECT r.id, r.subject_id AS "subjectId", r.status::text AS status, c.revoked_at AS "codeRevokedAt"
    FROM rooms.room r JOIN rooms.room_share_code c ON c.id = ${input.shareCodeId}::uuid
    WHERE r.id = ${input.roomId}::uuid
    FOR SHARE`;
  if (!room) throw new Error('inbound join: the room or share code of a stored Task no longer exists');
  await systemRecord(tx, room, input.partnerId, `inbound-join.receive#${traceOf(input)}`);
  const now = new Date();
  // The room closed after the Task arrived (its closing rejected what was pending then): answer now, as the closing would have.
  if (room.status === 'CLOSED') {
    await tx.inboundJoinRequest.update({
      where: { id: created.id },
      data: { status: 'REJECTED', decidedAt: now, decisionReason: roomClosedReason },
    });
    await tx.inboundJoinStep.create({
      data: {
        id: randomUUID(),
        requestId: created.id,
        action: 'REJECTED',
        actorRole: 'SYSTEM',
        reason: roomClosedReason,
        at: now,
      },
    });
    await systemRecord(tx, room, input.partnerId, `inbound-join.reject#${traceOf(input)}`);
    await appendRoomsOutboxEvent(tx, inboundJoinDecidedEvent, {
      joinRequestId: created.id,
      correlationId: input.correlationId,
    });
  } else if (state.cancelled) {
    // The Task is already cancelled: no event, the Task needs no answer.
    await endWithoutDecision(tx, created, room, state.cancelled.by, state.cancelled.reason, now, false);
  } else if (room.codeRevokedAt) {
    await endWithoutDecision(tx, created, room, { kind: 'system' }, shareCodeRevokedReason, now, true);
  } else {
    return { request: created, created: true };
  }
  return { request: await tx.inboundJoinRequest.findUniqueOrThrow({ where: { id: created.id } }), created: true };
}

/**
 * The request and its RECEIVED step (the partner asked), in one statement:
 * INSERT … ON CONFLICT DO NOTHING, then the step only for a request that was
 * inserted. False when a request with this correlation id exists (the job
 * ran before): nothing is written, and the transaction is not aborted as a
 * unique violation would abort it. Hand-written because Prisma's
 * createManyAndReturn (its one form of this) is compiled anew on every call,
 * about four times the cost of the statement; every column is given, so the
 * row stored is `request` as it is (test/integration/inbound-task-store.test.ts).
 */
async function insertReceivedUnlessCorrelated(tx: LockingTx, request: InboundJoinRequest): Promise<boolean> {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  const inserted = await tx.$queryRaw<Array<{ requestId: string }>>`
    WITH request AS (
      INSERT INTO rooms.inbound_join_request (id, correlation_id, room_id, partner_id, share_code_id, task_identifier,
        requester_name, practitioner_system, practitioner_value, practitioner_name, organization_name,
        organization_identifiers, consent_basis, reason, status, decided_by, decided_at, decision_reason, received_at)
      VALUES (${request.id}::uuid, ${request.correlationId}, ${request.roomId}::uuid, ${request.partnerId}::uuid,
        ${request.shareCodeId}::uuid, ${request.taskIdentifier}, ${request.requesterName}, ${request.practitionerSystem},
        ${request.practitionerValue}, ${request.practitionerName}, ${request.organizationName},
        ${json(request.organizationIdentifiers)}::jsonb, ${json(request.consentBasis)}::jsonb, ${request.reason},
        ${request.status}::rooms."InboundJoinStatus", NULL, NULL, NULL, ${request.receivedAt})
      ON CONFLICT (correlation_id) DO NOTHING
      RETURNING id
    )
    INSERT INTO rooms.inbound_join_step (id, request_id, action, actor_role, at)
    SELECT ${randomUUID()}::uuid, id, 'RECEIVED', ${`PARTNER:${request.partnerId}`}, ${request.receivedAt} FROM request
    RETURNING request_id AS "requestId"`;
  return inserted.length === 1;
}

/**
 * Moves one PENDING request to CANCELLED (only from PENDING: a concurrent
 * decision wins), with its step and access record, and (announce) the
 * outbox event that moves the partner's Task. Returns whether it moved.
 */
async function endWithoutDecision(
  tx: RoomsTx,
  request: InboundJoinRequest,
  room: { id: string; subjectId: string },
  by: Canceller,
  reason: string,
  at: Date,
  announce: boolean,
): Promise<boolean> {
  const actorId = by.kind === 'user' ? by.user.userId : null;
  const moved = await tx.inboundJoinRequest.updateMany({
    where: { id: request.id, status: 'PENDING' },
    data: { status: 'CANCELLED', decidedBy: actorId, decidedAt: at, decisionReason: reason },
  });
  if (moved.count !== 1) return false;
  const actorRole = by.kind === 'user' ? by.user.role : by.kind === 'partner' ? `PARTNER:${by.partnerId}` : 'SYSTEM';
  await tx.inboundJoinStep.create({
    data: { id: randomUUID(), requestId: request.id, action: 'CANCELLED', actorId, actorRole, reason, at },
  });
  const what = `inbound-join.cancel#${traceOf(request)}`;
  if (by.kind === 'user') await recordAccess(tx, { actor: by.user, room, action: 'WRITE', what, outcome: 'SUCCESS' });
  else await systemRecord(tx, room, by.kind === 'partner' ? by.partnerId : null, what);
  if (announce)
    await appendRoomsOutboxEvent(tx, inboundJoinDecidedEvent, {
      joinRequestId: request.id,
      correlationId: request.correlationId,
    });
  return true;
}

/**
 * For the adapters, inside the transaction that cancels the partner's Task
 * (which holds the Task's row lock): ends the Task's request if it is still
 * pending. 'none' when the job has not created it yet (it will be created
 * cancelled), 'decided' when a manager decided first (the Task then follows
 * the decision, and the partner's cancellation is refused).
 */
export async function cancelInboundJoinForTask(
  tx: RoomsTx,
  correlationId: string,
  by: Canceller,
  reason: string,
  at: Date,
): Promise<'cancelled' | 'none' | 'decided'> {
  const request = await tx.inboundJoinRequest.findUnique({ where: { correlationId } });
  if (!request) return 'none';
  if (request.status === 'CANCELLED') return 'cancelled';
  if (request.status !== 'PENDING') return 'decided';
  const room = await tx.room.findUniqueOrThrow({
    where: { id: request.roomId },
    select: { id: true, subjectId: true },
  });
  return (await endWithoutDecision(tx, request, room, by, reason, at, false)) ? 'cancelled' : 'decided';
}

/** A manager of the room withdraws a pending request without deciding it; the partner's Task becomes cancelled with the reason. */
export async function cancelInboundJoin(
  ctx: RoomsContext,
  id: string,
  reason: string,
  now = new Date(),
): Promise<InboundJoinRequest> {
  await requireDecider(ctx);
  const request = await ctx.db.inboundJoinRequest.findUnique({ where: { id } });
  if (!request)
    throw notFound({
      en: 'There is no such inbound join request. Check the id.',
      ja: 'その参加依頼はありません。ID を確認してください。',
    });
  const room = await findRoom(ctx, request.roomId);
  const user = await requireManager(ctx, room, 'inbound-join.cancel');
  if (request.status !== 'PENDING') throw appError('ILLEGAL_TRANSITION', alreadyDecided(request.status));
  return ctx.db.$transaction(async (tx) => {
    if (!(await endWithoutDecision(tx, request, room, { kind: 'user', user }, reason, now, true)))
      throw appError('ILLEGAL_TRANSITION', {
        en: 'The request was decided meanwhile. Reload it to see the decision.',
        ja: 'その間に依頼が決定されました。読み込み直して結果を確認してください。',
      });
    return tx.inboundJoinRequest.findUniqueOrThrow({ where: { id } });
  });
}

/** Revoking a share code (in the revocation's transaction) ends the requests still pending under it. */
export async function cancelPendingOnRevoke(
  tx: RoomsTx,
  shareCodeId: string,
  room: { id: string; subjectId: string },
  actor: UserPrincipal,
  now: Date,
): Promise<number> {
  const pending = await tx.inboundJoinRequest.findMany({
    where: { shareCodeId, status: 'PENDING' },
    orderBy: { id: 'asc' },
  });
  let ended = 0;
  for (const request of pending)
    if (await endWithoutDecision(tx, request, room, { kind: 'user', user: actor }, shareCodeRevokedReason, now, true))
      ended += 1;
  return ended;
}

/** Holds 'partner.registerInboundUser' (Art. 20-2: system, admin and hospital managers); a refusal is recorded. */
async function requireDecider(ctx: RoomsContext) {
  const user = requireSignedIn(ctx.principal);
  if (!can(user, 'partner.registerInboundUser')) {
    throw await refuse(ctx, user, null, 'inbound-join', {
      allowed: false,
      code: 'FORBIDDEN',
      message: refusalMessage(user.role, ['partner.registerInboundUser']),
    });
  }
  return user;
}

/** Requests on the rooms the caller manages (the system admin: all), newest first. */
type InboundStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | null | undefined;

/** Requests on the rooms the decider manages (the system admin: every room), in the status. */
async function inboundJoinsOnMyRooms(
  ctx: RoomsContext,
  user: UserPrincipal,
  status: InboundStatus,
): Promise<Prisma.InboundJoinRequestWhereInput> {
  const rooms =
    user.role === 'SYSTEM_ADMIN'
      ? undefined
      : (await ctx.db.room.findMany({ where: { openedBy: user.userId }, select: { id: true } })).map((r) => r.id);
  return { ...(status ? { status } : {}), ...(rooms ? { roomId: { in: rooms } } : {}) };
}

/** How many requests on the caller's rooms are in the status: one COUNT, and no access record (no room is named). */
export async function countInboundJoinRequests(ctx: RoomsContext, status: InboundStatus): Promise<number> {
  const user = await requireDecider(ctx);
  return ctx.db.inboundJoinRequest.count({ where: await inboundJoinsOnMyRooms(ctx, user, status) });
}

export async function listInboundJoinRequests(ctx: RoomsContext, status: InboundStatus): Promise<InboundJoinRequest[]> {
  const user = await requireDecider(ctx);
  const requests = await ctx.db.inboundJoinRequest.findMany({
    where: await inboundJoinsOnMyRooms(ctx, user, status),
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
  // The list names partners' users and our rooms: one READ record per room shown.
  const roomIds = [...new Set(requests.map((r) => r.roomId))];
  if (roomIds.length > 0) {
    const shown = await ctx.db.room.findMany({ where: { id: { in: roomIds } }, select: { id: true, subjectId: true } });
    await ctx.db.$transaction(async (tx) => {
      for (const room of shown)
        await recordAccess(tx, { actor: user, room, action: 'READ', what: 'inbound-join.list', outcome: 'SUCCESS' });
    });
  }
  return requests;
}

export async function getInboundJoinRequest(ctx: RoomsContext, id: string): Promise<InboundJoinRequest> {
  const user = await requireDecider(ctx);
  const request = await ctx.db.inboundJoinRequest.findUnique({ where: { id } });
  if (!request)
    throw notFound({
      en: 'There is no such inbound join request. Check the id.',
      ja: 'その参加依頼はありません。ID を確認してください。',
    });
  const room = await findRoom(ctx, request.roomId);
  await requireManager(ctx, room, 'inbound-join.read');
  await recordAccessAlone(ctx.db, {
    actor: user,
    room,
    action: 'READ',
    what: `inbound-join.read#${traceOf(request)}`,
    outcome: 'SUCCESS',
  });
  return request;
}

async function requireManager(ctx: RoomsContext, room: Room, what: string) {
  const { user, access } = await accessOf(ctx, room);
  if (!access.manager)
    throw await refuse(ctx, user, room, what, {
      allowed: false,
      code: 'FORBIDDEN',
      message: {
        en: "Only the room's manager may do this.",
        ja: 'この操作ができるのは部屋の管理者だけです。',
      },
    });
  return user;
}

export const rejectReason = z.string().trim().min(1).max(1000);

/**
 * Approves (the partner's user joins as an external participant) or rejects
 * a pending request. Only a manager of the room holding
 * 'partner.registerInboundUser'; approval needs an open room. The decision,
 * its step, the access record and the outbox event commit together.
 */
export async function decideInboundJoin(
  ctx: RoomsContext,
  id: string,
  decision: { approve: true } | { approve: false; reason: string },
  now = new Date(),
): Promise<InboundJoinRequest> {
  await requireDecider(ctx);
  const request = await ctx.db.inboundJoinRequest.findUnique({ where: { id } });
  if (!request)
    throw notFound({
      en: 'There is no such inbound join request. Check the id.',
      ja: 'その参加依頼はありません。ID を確認してください。',
    });
  const room = await findRoom(ctx, request.roomId);
  // Approving adds a participant (a manager, an open room). Rejecting adds nothing: a manager may
  // do it in any state, so a request on a room closed meanwhile still gets its answer.
  const user = decision.approve
    ? await authorizeRoom(ctx, room, 'members.add', 'inbound-join.approve')
    : await requireManager(ctx, room, 'inbound-join.reject');
  if (request.status !== 'PENDING') throw appError('ILLEGAL_TRANSITION', alreadyDecided(request.status));
  return ctx.db.$transaction(async (tx) => {
    const status = decision.approve ? 'APPROVED' : 'REJECTED';
    const reason = decision.approve ? null : decision.reason;
    // Only from PENDING: a concurrent decision leaves count 0.
    const moved = await tx.inboundJoinRequest.updateMany({
      where: { id, status: 'PENDING' },
      data: { status, decidedBy: user.userId, decidedAt: now, decisionReason: reason },
    });
    if (moved.count !== 1)
      throw appError('ILLEGAL_TRANSITION', {
        en: 'The request was decided meanwhile. Reload it to see the decision.',
        ja: 'その間に依頼が決定されました。読み込み直して結果を確認してください。',
      });
    await tx.inboundJoinStep.create({
      data: {
        id: randomUUID(),
        requestId: id,
        action: status,
        actorId: user.userId,
        actorRole: user.role,
        reason,
        at: now,
      },
    });
    if (decision.approve) {
      // A partner may ask twice for the same person under different Task identifiers: one participant at a time.
      const already = await tx.externalParticipant.count({
        where: {
          roomId: room.id,
          partnerId: request.partnerId,
          practitionerSystem: request.practitionerSystem,
          practitionerValue: request.practitionerValue,
          removedAt: null,
        },
      });
      if (already > 0)
        throw appError('CONFLICT', {
          en: "The partner's user is already a participant of this room. Reject this request.",
          ja: '他団体のシステムのこの利用者はすでにこの部屋の参加者です。この依頼は却下してください。',
        });
      await tx.externalParticipant.create({
        data: {
          id: randomUUID(),
          roomId: room.id,
          partnerId: request.partnerId,
          joinRequestId: id,
          practitionerSystem: request.practitionerSystem,
          practitionerValue: request.practitionerValue,
          name: request.practitionerName,
          organizationName: request.organizationName,
          organizationIdentifiers: request.organizationIdentifiers ?? [],
          addedBy: user.userId,
          addedAt: now,
        },
      });
    }
    await recordAccess(tx, {
      actor: user,
      room,
      action: 'WRITE',
      what: `inbound-join.${decision.approve ? 'approve' : 'reject'}#${traceOf(request)}`,
      outcome: 'SUCCESS',
    });
    await appendRoomsOutboxEvent(tx, inboundJoinDecidedEvent, {
      joinRequestId: id,
      correlationId: request.correlationId,
    });
    return tx.inboundJoinRequest.findUniqueOrThrow({ where: { id } });
  });
}

/** The answer a partner gets for requests still pending when the room closes. */
export const roomClosedReason = 'the room was closed';

/**
 * Form 10 closes a room: requests still pending for it can no longer be
 * approved, so they are rejected in the closing's transaction (step, access
 * record and outbox event each, so the partner's Task becomes rejected with
 * the reason). The closing manager is named as who decided.
 */
export async function rejectPendingOnClose(
  tx: RoomsTx,
  room: { id: string; subjectId: string },
  actor: UserPrincipal,
  now: Date,
): Promise<number> {
  const pending = await tx.inboundJoinRequest.findMany({
    where: { roomId: room.id, status: 'PENDING' },
    orderBy: { id: 'asc' },
  });
  for (const request of pending) {
    const moved = await tx.inboundJoinRequest.updateMany({
      where: { id: request.id, status: 'PENDING' },
      data: { status: 'REJECTED', decidedBy: actor.userId, decidedAt: now, decisionReason: roomClosedReason },
    });
    if (moved.count !== 1) continue;
    await tx.inboundJoinStep.create({
      data: {
        id: randomUUID(),
        requestId: request.id,
        action: 'REJECTED',
        actorId: actor.userId,
        actorRole: actor.role,
        reason: roomClosedReason,
        at: now,
      },
    });
    await recordAccess(tx, {
      actor,
      room,
      action: 'WRITE',
      what: `inbound-join.reject#${traceOf(request)}`,
      outcome: 'SUCCESS',
    });
    await appendRoomsOutboxEvent(tx, inboundJoinDecidedEvent, {
      joinRequestId: request.id,
      correlationId: request.correlationId,
    });
  }
  return pending.length;
}

export function stepsOf(db: Pick<RoomsDb, 'inboundJoinStep'>, requestId: string): Promise<InboundJoinStep[]> {
  return db.inboundJoinStep.findMany({ where: { requestId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
}

export function participantOfRequest(
  db: Pick<RoomsDb, 'externalParticipant'>,
  requestId: string,
): Promise<ExternalParticipant | null> {
  return db.externalParticipant.findUnique({ where: { joinRequestId: requestId } });
}

/** For the adapters: where a request stands, by its correlation id (the Task id). */
export async function inboundJoinOutcome(
  db: Pick<RoomsDb, 'inboundJoinRequest' | 'externalParticipant'>,
  correlationId: string,
) {
  const request = await db.inboundJoinRequest.findUnique({ where: { correlationId } });
  if (!request) return null;
  const participant =
    request.status === 'APPROVED'
      ? await db.externalParticipant.findUnique({ where: { joinRequestId: request.id } })
      : null;
  return {
    status: request.status,
    decisionReason: request.decisionReason,
    decidedAt: request.decidedAt,
    decidedBy: request.decidedBy,
    roomId: request.roomId,
    participantId: participant?.id ?? null,
  };
}
