// Rooms' side of the Art. 20-3 exchange, called by the adapters' jobs (never
// by a client): what the partner answered to an approved outbound join, and
// what its CareTeam says later. Every change is conditional on the state the
// job read, so a retried, duplicated or late job changes nothing; each is
// one transaction with its step (actor: SYSTEM for our side, PARTNER for
// what the partner decided) and its access record (actor: the system), with
// the request id as the correlation id.
import { randomUUID } from 'node:crypto';
import type {
  ExternalMembership,
  OutboundExchangeStatus,
  OutboundJoinRequest,
  Prisma,
} from '../../../../generated/prisma/client';
import type { PrismaClient } from '../../../../lib/database';
import { appendAccessRecord } from '../../../../lib/audit/access-log';
import { chainStore } from '../../services/access-records';
import { appendRoomsOutboxEvent } from '../../services/outbox';
import { auditWhat } from './outbound-join-service';
import { outboundJoinApprovedEvent, outboundJoinSentEvent, outboundJoinWithdrawnEvent } from '../../events';

export type OutboundExchangeDb = Pick<
  PrismaClient,
  | 'outboundJoinRequest'
  | 'outboundJoinStep'
  | 'externalMembership'
  | 'exchangeDeadLetter'
  | 'roomsOutboxEvent'
  | 'roomsAccessRecord'
  | '$executeRaw'
  | '$transaction'
>;
type Tx = Omit<OutboundExchangeDb, '$transaction'>;

/** The partner Task statuses we follow (FHIR R4 Task.status), and which of them end the exchange. */
export type PartnerTaskStatus = 'received' | 'accepted' | 'rejected' | 'completed' | 'cancelled';
const asExchange: Record<PartnerTaskStatus, OutboundExchangeStatus> = {
  received: 'RECEIVED',
  accepted: 'ACCEPTED',
  rejected: 'REJECTED',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
};
export const finalExchangeStatuses: readonly OutboundExchangeStatus[] = [
  'REJECTED',
  'COMPLETED',
  'CANCELLED',
  'REFUSED',
];

async function systemStep(
  tx: Tx,
  requestId: string,
  action: string,
  actorRole: 'SYSTEM' | 'PARTNER',
  reason: string | null,
  at: Date,
): Promise<void> {
  await tx.outboundJoinStep.create({
    data: { id: randomUUID(), requestId, action, actorId: null, actorRole, reason, at },
  });
  await appendAccessRecord(chainStore(tx), {
    at,
    actorId: null,
    actorRole: 'SYSTEM',
    subjectId: null,
    roomId: null,
    action: 'WRITE',
    what: auditWhat(requestId, action),
    outcome: 'SUCCESS',
  });
}

export type RequestToSend = OutboundJoinRequest & { shareCode: string; approvedBy: string; approvedAt: Date };

/**
 * The request as the send job needs it (with who approved it, the Task's
 * requester), or null when there is nothing to send (unknown, not approved,
 * already sent or refused).
 */
export async function requestToSend(db: OutboundExchangeDb, requestId: string): Promise<RequestToSend | null> {
  const request = await db.outboundJoinRequest.findUnique({ where: { id: requestId } });
  if (!request || request.status !== 'APPROVED' || request.exchangeStatus !== 'NOT_SENT' || !request.shareCode)
    return null;
  const approval = await db.outboundJoinStep.findFirst({
    where: { requestId, action: 'approve' },
    orderBy: { at: 'desc' },
  });
  if (!approval?.actorId) return null;
  return { ...request, shareCode: request.shareCode, approvedBy: approval.actorId, approvedAt: approval.at };
}

/**
 * Written just before every POST of the Task (a write-ahead mark): once set,
 * the partner may hold the Task even if no answer ever comes back (timeout,
 * reset, the worker killed mid-call), so every later send searches first.
 * Keeps the first attempt's time. Also the gate of every POST: false when the
 * request is no longer to be sent (withdrawn meanwhile), and then nothing is
 * posted; the withdrawal, a conditional update of the same row, is ordered
 * either before this mark (no POST) or after it (the cancel job looks for
 * the Task a POST may have left).
 */
export async function markSendAttempted(
  db: OutboundExchangeDb,
  requestId: string,
  firstAttempt: Date | null,
  at: Date = new Date(),
): Promise<boolean> {
  const marked = await db.outboundJoinRequest.updateMany({
    where: { id: requestId, status: 'APPROVED', exchangeStatus: 'NOT_SENT' },
    data: { sendAttemptedAt: firstAttempt ?? at },
  });
  return marked.count === 1;
}

/**
 * The latest failed partner call for a request (its code only: HTTP_503,
 * TIMEOUT, NOT_FHIR, ...), shown with the request to those who may see it.
 * Not a step: a partner down for hours would fill the history with retries.
 */
export async function recordFailure(
  db: OutboundExchangeDb,
  requestId: string,
  code: string,
  at: Date = new Date(),
): Promise<void> {
  await db.outboundJoinRequest.updateMany({
    where: { id: requestId },
    data: { lastFailureCode: code.slice(0, 60), lastFailureAt: at },
  });
}

export interface SentFacts {
  /** The Task was found by an identifier search (an earlier send reached the partner unanswered), not created by this send. */
  adopted?: boolean;
  /** Something about the partner's Tasks to keep in the request's history, e.g. "DUPLICATE_TASKS: ...". */
  anomaly?: string;
}

/**
 * The partner holds the Task: keep its id, forget the share code, and have
 * the poll job follow it. Also for a request withdrawn while the send was
 * under way (the partner holds the Task all the same): its cancellation is
 * then asked for again, now that the Task's id is known.
 */
export function recordSent(
  db: OutboundExchangeDb,
  requestId: string,
  partnerTaskId: string,
  status: PartnerTaskStatus,
  at: Date = new Date(),
  facts: SentFacts = {},
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const moved = await tx.outboundJoinRequest.updateMany({
      where: { id: requestId, status: { in: ['APPROVED', 'WITHDRAWN'] }, exchangeStatus: 'NOT_SENT' },
      data: { exchangeStatus: 'RECEIVED', partnerTaskId, sentAt: at, shareCode: null },
    });
    if (moved.count !== 1) return false;
    await systemStep(
      tx,
      requestId,
      'sent',
      'SYSTEM',
      facts.adopted ? 'the Task an earlier send left at the partner, found by its identifier' : null,
      at,
    );
    if (facts.anomaly) await systemStep(tx, requestId, 'anomaly', 'SYSTEM', facts.anomaly.slice(0, 1000), at);
    await appendRoomsOutboxEvent(tx, outboundJoinSentEvent, { requestId });
    const after = await tx.outboundJoinRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { status: true },
    });
    if (after.status === 'WITHDRAWN') await appendRoomsOutboxEvent(tx, outboundJoinWithdrawnEvent, { requestId });
    if (status !== 'received') await applyStatus(tx, requestId, status, null, null, at);
    return true;
  });
}

/** The partner refused the request itself (unknown share code, invalid, partner suspended here): final, no retry. */
export function recordRefused(
  db: OutboundExchangeDb,
  requestId: string,
  code: string,
  at: Date = new Date(),
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const moved = await tx.outboundJoinRequest.updateMany({
      where: { id: requestId, status: 'APPROVED', exchangeStatus: 'NOT_SENT' },
      data: { exchangeStatus: 'REFUSED', exchangeReason: code, shareCode: null },
    });
    if (moved.count !== 1) return false;
    await systemStep(tx, requestId, 'refused', 'SYSTEM', code, at);
    return true;
  });
}

export interface PartnerTaskView {
  status: PartnerTaskStatus;
  statusReason: string | null;
  /** The CareTeam id from Task.output, once completed. */
  careTeamId: string | null;
}

async function applyStatus(
  tx: Tx,
  requestId: string,
  status: PartnerTaskStatus,
  statusReason: string | null,
  careTeamId: string | null,
  at: Date,
): Promise<boolean> {
  const request = await tx.outboundJoinRequest.findUniqueOrThrow({ where: { id: requestId } });
  const next = asExchange[status];
  if (next === request.exchangeStatus || finalExchangeStatuses.includes(request.exchangeStatus)) return false;
  if (next === 'COMPLETED' && !careTeamId) throw new Error('a completed join Task must name its CareTeam');
  const moved = await tx.outboundJoinRequest.updateMany({
    where: { id: requestId, exchangeStatus: request.exchangeStatus },
    data: { exchangeStatus: next, exchangeReason: statusReason ?? undefined },
  });
  if (moved.count !== 1) return false;
  await systemStep(tx, requestId, `partner-${status}`, 'PARTNER', statusReason, at);
  if (next === 'COMPLETED') {
    await tx.externalMembership.createMany({
      data: [
        {
          id: randomUUID(),
          requestId,
          partnerId: request.partnerId,
          userId: request.requestedBy,
          facilityId: request.facilityId,
          careTeamId: careTeamId as string,
          roomStatus: 'active',
          joinedAt: at,
        },
      ],
      skipDuplicates: true,
    });
  }
  return true;
}

/** What a poll of the partner's Task found (null: a status in between, nothing to record but the poll). Returns the exchange status after it. */
export function recordPartnerTask(
  db: OutboundExchangeDb,
  requestId: string,
  task: PartnerTaskView | null,
  at: Date = new Date(),
): Promise<OutboundExchangeStatus> {
  return db.$transaction(async (tx) => {
    if (task) await applyStatus(tx, requestId, task.status, task.statusReason, task.careTeamId, at);
    const request = await tx.outboundJoinRequest.update({
      where: { id: requestId },
      data: { pollCount: { increment: 1 }, lastPolledAt: at },
    });
    return request.exchangeStatus;
  });
}

export type RequestToCancel = OutboundJoinRequest & { withdrawnAt: Date };

/**
 * A request withdrawn after approval whose Task the partner may hold
 * undecided, as the cancel job needs it (with when it was withdrawn), or
 * null when there is nothing to cancel: not withdrawn after approval, never
 * posted, already answered by the partner, or its cancellation already
 * refused by the partner (the request then follows the partner's decision).
 */
export async function requestToCancel(db: OutboundExchangeDb, requestId: string): Promise<RequestToCancel | null> {
  const request = await db.outboundJoinRequest.findUnique({ where: { id: requestId } });
  if (request?.status !== 'WITHDRAWN') return null;
  if (!(request.exchangeStatus === 'RECEIVED' || (request.exchangeStatus === 'NOT_SENT' && request.sendAttemptedAt)))
    return null;
  const [withdrawal, refused] = await Promise.all([
    db.outboundJoinStep.findFirst({ where: { requestId, action: 'withdraw' }, orderBy: { at: 'desc' } }),
    db.outboundJoinStep.count({ where: { requestId, action: 'cancel-refused' } }),
  ]);
  if (!withdrawal || refused > 0) return null;
  return { ...request, withdrawnAt: withdrawal.at };
}

/** What the partner's Task says, recorded now (a decision, or our cancellation done), without counting a poll. */
export function recordPartnerDecision(
  db: OutboundExchangeDb,
  requestId: string,
  task: PartnerTaskView,
  at: Date = new Date(),
): Promise<boolean> {
  return db.$transaction((tx) => applyStatus(tx, requestId, task.status, task.statusReason, task.careTeamId, at));
}

/**
 * The partner refused to cancel its Task (409: it had decided, perhaps
 * without the Task showing it yet). A step, once; the request keeps following
 * the partner's Task (the poll job) and so ends as the partner decided.
 */
export function recordCancelRefused(
  db: OutboundExchangeDb,
  requestId: string,
  reason: string,
  at: Date = new Date(),
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    // Touching the row locks it: two cancel jobs for one request write the step once.
    const locked = await tx.outboundJoinRequest.updateMany({ where: { id: requestId }, data: { updatedAt: at } });
    if (locked.count !== 1) return false;
    if ((await tx.outboundJoinStep.count({ where: { requestId, action: 'cancel-refused' } })) > 0) return false;
    await systemStep(tx, requestId, 'cancel-refused', 'PARTNER', reason.slice(0, 1000), at);
    return true;
  });
}

/** The request the poll job follows, or null when there is nothing (left) to poll. */
export async function requestToPoll(db: OutboundExchangeDb, requestId: string): Promise<OutboundJoinRequest | null> {
  const request = await db.outboundJoinRequest.findUnique({ where: { id: requestId } });
  if (
    !request?.partnerTaskId ||
    finalExchangeStatuses.includes(request.exchangeStatus) ||
    request.exchangeStatus === 'NOT_SENT'
  )
    return null;
  return request;
}

/** Active memberships not synced since `before`, oldest first. */
/**
 * Active memberships not synced since `before` and not tried since then
 * either, the least recently tried first; they are marked as tried now, so a
 * partner that is down (its memberships stay unsynced) waits its turn instead
 * of filling every batch.
 */
export async function membershipsToSync(
  db: OutboundExchangeDb,
  before: Date,
  limit: number,
  now: Date = new Date(),
): Promise<ExternalMembership[]> {
  const due = await db.externalMembership.findMany({
    where: {
      status: 'ACTIVE',
      AND: [
        { OR: [{ lastSyncedAt: null }, { lastSyncedAt: { lt: before } }] },
        { OR: [{ syncTriedAt: null }, { syncTriedAt: { lt: before } }] },
      ],
    },
    orderBy: [{ syncTriedAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    take: limit,
  });
  if (due.length > 0)
    await db.externalMembership.updateMany({ where: { id: { in: due.map((m) => m.id) } }, data: { syncTriedAt: now } });
  return due;
}

export interface CareTeamView {
  /** CareTeam.status as the partner shows it. */
  status: string;
  /** Whether our user is still among the participants the partner shows us. */
  participant: boolean;
}

/** Applies the partner's CareTeam to one membership: room closed or our user removed ends it; a suspension only records the status. */
export function recordCareTeam(
  db: OutboundExchangeDb,
  membershipId: string,
  careTeam: CareTeamView,
  at: Date = new Date(),
): Promise<ExternalMembership | null> {
  return db.$transaction(async (tx) => {
    const membership = await tx.externalMembership.findUnique({ where: { id: membershipId } });
    if (!membership || membership.status !== 'ACTIVE') return null;
    const closed = careTeam.status === 'inactive' || careTeam.status === 'entered-in-error';
    // A suspended CareTeam may show its status alone (this software does, once sharing stopped):
    // our user missing from it is no removal, and the room may be resumed.
    const endedReason = closed
      ? 'ROOM_CLOSED'
      : careTeam.participant || careTeam.status === 'suspended'
        ? null
        : 'REMOVED';
    const data: Prisma.ExternalMembershipUpdateManyMutationInput = {
      roomStatus: careTeam.status,
      lastSyncedAt: at,
      ...(endedReason ? { status: 'ENDED', endedReason, endedAt: at } : {}),
    };
    const moved = await tx.externalMembership.updateMany({ where: { id: membershipId, status: 'ACTIVE' }, data });
    if (moved.count !== 1) return null;
    if (endedReason || careTeam.status !== membership.roomStatus)
      await systemStep(
        tx,
        membership.requestId,
        endedReason ? `membership-${endedReason.toLowerCase().replace('_', '-')}` : `room-${careTeam.status}`,
        'PARTNER',
        null,
        at,
      );
    return tx.externalMembership.findUnique({ where: { id: membershipId } });
  });
}

/**
 * The outbox guarantees that a job reaches Redis, not that Redis keeps it: if
 * Redis loses its data, a send or poll job already handed over is gone with
 * it. A request approved but not sent, or sent and not final, on which
 * nothing has happened since `quietSince` (longer ago than any retry or poll
 * wait) and that has no dead letter waiting for a person, gets its job
 * re-driven through the outbox (send and poll are idempotent). The re-drive
 * is a step of the request, so the next one waits another quiet period.
 * Returns the requests re-driven.
 */
export async function redriveQuietRequests(
  db: OutboundExchangeDb,
  quietSince: Date,
  limit = 50,
  at: Date = new Date(),
): Promise<string[]> {
  const quiet = await db.outboundJoinRequest.findMany({
    where: {
      updatedAt: { lt: quietSince },
      OR: [{ status: 'APPROVED', exchangeStatus: 'NOT_SENT' }, { exchangeStatus: { in: ['RECEIVED', 'ACCEPTED'] } }],
    },
    orderBy: { updatedAt: 'asc' },
    take: limit,
  });
  const redriven: string[] = [];
  for (const request of quiet) {
    const waiting = await db.exchangeDeadLetter.count({
      where: { retriedAt: null, payload: { path: ['requestId'], equals: request.id } },
    });
    if (waiting > 0) continue;
    const sent = request.exchangeStatus !== 'NOT_SENT';
    const done = await db.$transaction(async (tx) => {
      // Conditional on the state read: a job that ran meanwhile wins.
      const touched = await tx.outboundJoinRequest.updateMany({
        where: { id: request.id, updatedAt: request.updatedAt, exchangeStatus: request.exchangeStatus },
        data: { updatedAt: at },
      });
      if (touched.count !== 1) return false;
      await systemStep(tx, request.id, sent ? 'poll-redriven' : 'send-redriven', 'SYSTEM', null, at);
      await appendRoomsOutboxEvent(tx, sent ? outboundJoinSentEvent : outboundJoinApprovedEvent, {
        requestId: request.id,
      });
      return true;
    });
    if (done) redriven.push(request.id);
  }
  return redriven;
}
