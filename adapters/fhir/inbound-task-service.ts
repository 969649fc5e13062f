// The receiver's side of the join Task (Art. 20-2), in the adapters' own
// integration schema: a partner's Task is validated (R4 and the contract),
// its share code resolved through rooms' service, and only then stored with
// an outbox event in ONE transaction, so the join request in rooms follows
// exactly when the Task committed. The same (partner, identifier) again
// answers the stored Task (idempotent POST). A partner only ever sees its
// own Tasks: another partner's id is "not found", exactly as an unknown one,
// and the attempt is in rooms' access chain as DENIED (naming the partner,
// the Task id and, when the Task exists, its room and subject).
// A conditional create (If-None-Exist: identifier=system|value) answers the
// partner's existing Task before anything else is looked at, as FHIR says.
// A Task leaves `received` for `cancelled` when the partner cancels it or the
// partner is suspended (cancelInboundTask), under the Task's row lock, so the
// job that creates its join request in rooms sees either the Task cancelled
// (and creates the request cancelled) or the request pending (and the
// cancellation ends it): never a pending request under a cancelled Task.
import { randomUUID } from 'node:crypto';
import type { InboundTask, Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/database';
import { isUniqueViolation } from '../../lib/db-errors';
import type { ExchangePartner } from '../../subgraphs/identity';
import {
  partnerTarget,
  recordPartnerAccess,
  resolveShareCode,
  cancelInboundJoinForTask,
  cancelledByRequesterReason,
  type Canceller,
  type InboundJoinDb,
} from '../../subgraphs/rooms';
import { parseIdentifierToken, sameIdentifier } from './conditional-create';
import { outboxRow } from '../../lib/outbox-table';
import { inboundTaskReceivedEvent } from './integration-outbox';
import { parseJoinTask, renderInboundTask, type InboundTaskStatusCode, type SystemValue } from './join-task';
import { FhirError } from './operation-outcome';

export type InboundTaskDb = Pick<PrismaClient, 'inboundTask' | '$queryRaw' | '$executeRaw'>;

const notFoundMessage = 'no CareTeam matches this share code for you';

export function renderStoredTask(task: InboundTask): Record<string, unknown> {
  return renderInboundTask(task.task as Record<string, unknown>, {
    id: task.id,
    status: task.status.toLowerCase() as InboundTaskStatusCode,
    statusReason: task.statusReason,
    careTeamId: task.status === 'COMPLETED' ? task.roomId : null,
    lastUpdated: task.updatedAt,
  });
}

/**
 * POST Task: 201 with a new Task, 200 with the existing one for a repeated
 * identifier. With If-None-Exist (`condition`), a match among the partner's
 * own Tasks answers 200 at once; without one, the Task must carry the very
 * identifier the condition named (else a retry's condition would never find it).
 */
export async function receiveJoinTask(
  db: InboundTaskDb & TaskReadDb,
  partner: ExchangePartner,
  body: unknown,
  now: Date,
  condition: SystemValue | null = null,
): Promise<{ created: boolean; task: InboundTask }> {
  if (condition) {
    const [match] = await searchTasksForPartner(db, partner.id, `${condition.system}|${condition.value}`);
    if (match) return { created: false, task: match };
  }
  const parsed = parseJoinTask(body, { requesterSystem: partner.requesterSystem, userSystem: partner.userSystem });
  if (!parsed.ok) {
    const { problem } = parsed;
    if (problem.kind === 'INVALID_RESOURCE') {
      throw Object.assign(
        new FhirError(
          'INVALID_RESOURCE',
          problem.issues.map((i) => `${i.expression}: ${i.message}`).join('; '),
          problem.issues.map((i) => i.expression),
        ),
        { issues: problem.issues },
      );
    }
    throw new FhirError(problem.kind, problem.message, [problem.expression]);
  }
  const request = parsed.value;
  // Contract v2: a partner registered with consentInJoin REQUIRED must send the consent (an invalid one was refused by the parser).
  if (partner.consentInJoin === 'REQUIRED' && !request.consent)
    throw new FhirError(
      'CONSENT_REQUIRED',
      'this partner is registered to send the consent under which the join is asked: a contained Consent referenced from Task.input:consent',
      ['Task.input:consent'],
    );
  if (condition && !sameIdentifier(condition, request.identifier)) {
    throw new FhirError('BAD_REQUEST', "If-None-Exist must name the Task's own identifier", [
      'If-None-Exist',
      'Task.identifier',
    ]);
  }
  const key = {
    partnerId: partner.id,
    identifierSystem: request.identifier.system,
    identifierValue: request.identifier.value,
  };
  // The common case (a new Task) is looked up nowhere before it is stored: a repeated identifier is found by the unique
  // index (the insert fails and nothing is written), or, when its share code no longer resolves, before answering 404.
  const target = await resolveShareCode(db, partner.id, request.shareCode, now);
  if (!target) {
    const existing = await db.inboundTask.findUnique({ where: { partnerId_identifierSystem_identifierValue: key } });
    if (existing) return { created: false, task: existing };
    throw new FhirError('NOT_FOUND', notFoundMessage, ['Task.focus.identifier']);
  }
  const task: InboundTask = {
    id: randomUUID(),
    ...key,
    shareCodeId: target.shareCodeId,
    roomId: target.roomId,
    status: 'RECEIVED',
    statusReason: null,
    history: [{ status: 'RECEIVED', at: now.toISOString() }],
    // The Task as the partner sent it (validated), less the share code: a bearer secret for the room, stored only hashed.
    task: withoutShareCode(body as Record<string, unknown>) as Prisma.JsonValue,
    receivedAt: now,
    updatedAt: now,
  };
  try {
    await storeReceivedTask(db, task);
    return { created: true, task };
  } catch (error) {
    // The same identifier again, or in two requests at once: the unique index let one in.
    if (!isUniqueViolation(error)) throw error;
    const existing = await db.inboundTask.findUnique({ where: { partnerId_identifierSystem_identifierValue: key } });
    if (!existing) throw error;
    return { created: false, task: existing };
  }
}

/**
 * The Task and its outbox event (inbound-task.received) in one statement,
 * so atomically without a transaction's BEGIN and COMMIT: four round trips
 * become one on the exchange's busiest path. Every column is given, so the
 * row stored is `task` as it is (test/integration/inbound-task-store.test.ts
 * reads it back).
 */
async function storeReceivedTask(db: Pick<PrismaClient, '$executeRaw'>, task: InboundTask): Promise<void> {
  const event = outboxRow(inboundTaskReceivedEvent, { inboundTaskId: task.id });
  await db.$executeRaw`
    WITH task AS (
      INSERT INTO integration.inbound_task (id, partner_id, identifier_system, identifier_value, share_code_id, room_id,
                                            status, status_reason, history, task, received_at, updated_at)
      VALUES (${task.id}::uuid, ${task.partnerId}::uuid, ${task.identifierSystem}, ${task.identifierValue},
              ${task.shareCodeId}::uuid, ${task.roomId}::uuid, ${task.status}::integration."InboundTaskStatus",
              ${task.statusReason}, ${JSON.stringify(task.history)}::jsonb, ${JSON.stringify(task.task)}::jsonb,
              ${task.receivedAt}, ${task.updatedAt})
      RETURNING id
    )
    INSERT INTO integration.outbox_event (id, type, payload, version, request_id)
    SELECT ${event.id}::uuid, ${event.type}, ${JSON.stringify(event.payload)}::jsonb, ${event.version}, ${event.requestId}
    FROM task`;
}

/** The stored (and later shown) Task keeps the focus's type, not the code; the completed Task's output names the CareTeam. */
function withoutShareCode(task: Record<string, unknown>): Record<string, unknown> {
  return { ...task, focus: { type: 'CareTeam' } };
}

type TaskReadDb = Pick<PrismaClient, 'inboundTask' | 'room' | 'roomsAccessRecord' | '$executeRaw' | '$transaction'>;

/** GET Task/<id>: only the partner that created it; any other answer is the one 404, recorded as DENIED. */
export async function taskForPartner(db: TaskReadDb, partnerId: string, id: string): Promise<InboundTask> {
  const target = partnerTarget(id);
  const task = target === 'malformed' ? null : await db.inboundTask.findUnique({ where: { id: target } });
  if (task && task.partnerId === partnerId) return task;
  await recordPartnerAccess(db, {
    partnerId,
    roomId: task?.roomId ?? null,
    action: 'DENIED',
    what: `task.read#${target}`,
    outcome: 'NOT_FOUND',
  });
  throw new FhirError('NOT_FOUND', 'no such Task');
}

/**
 * GET Task?identifier=system|value: the partner's own Tasks only. An
 * identifier only another partner used answers the same empty Bundle as an
 * unknown one (a search that matches nothing is not an error in FHIR), and is
 * recorded as DENIED naming that Task, since it means a partner is probing
 * another's requests.
 */
export async function searchTasksForPartner(
  db: TaskReadDb,
  partnerId: string,
  identifier: string,
): Promise<InboundTask[]> {
  const token = parseIdentifierToken(identifier);
  if (!token.ok) throw new FhirError('BAD_REQUEST', token.message, ['identifier']);
  const { system: identifierSystem, value: identifierValue } = token.identifier;
  const task = await db.inboundTask.findUnique({
    where: { partnerId_identifierSystem_identifierValue: { partnerId, identifierSystem, identifierValue } },
  });
  if (task) return [task];
  const others = await db.inboundTask.findFirst({
    where: { identifierSystem, identifierValue, partnerId: { not: partnerId } },
    select: { id: true, roomId: true },
  });
  if (others)
    await recordPartnerAccess(db, {
      partnerId,
      roomId: others.roomId,
      action: 'DENIED',
      what: `task.search#${others.id}`,
      outcome: 'NOT_FOUND',
    });
  return [];
}

/**
 * The stored Task under its row lock, in one statement (a lock, then a read,
 * would be two): the model's own shape, as findUnique returns it
 * (test/integration/inbound-task-store.test.ts compares the two). Inside the
 * caller's transaction; null when there is no such Task.
 */
export async function lockInboundTask(
  tx: Pick<Prisma.TransactionClient, '$queryRaw'>,
  id: string,
): Promise<InboundTask | null> {
  const [task] = await tx.$queryRaw<InboundTask[]>`
    SELECT id, partner_id AS "partnerId", identifier_system AS "identifierSystem",
           identifier_value AS "identifierValue", share_code_id AS "shareCodeId", room_id AS "roomId",
           status::text AS status, status_reason AS "statusReason", history, task,
           received_at AS "receivedAt", updated_at AS "updatedAt"
    FROM integration.inbound_task WHERE id = ${id}::uuid FOR UPDATE`;
  return task ?? null;
}

/** What the inbound jobs use: the integration tables and rooms' inbound tables (through rooms' services). */
export type InboundExchangeDb = InboundJoinDb & Pick<PrismaClient, 'inboundTask'>;

type TaskHistoryEntry = { status: string; at: string; by?: string | null };

/**
 * Moves a stored Task forward (never back): from one of `from` to `to`,
 * appending to its history. Returns false when it was not in `from` (a
 * repeated or late job), which is not an error.
 */
export async function advanceInboundTask(
  db: Pick<PrismaClient, 'inboundTask' | '$transaction'>,
  id: string,
  from: Array<InboundTask['status']>,
  to: InboundTask['status'],
  change: { statusReason?: string | null; by?: string | null; at: Date },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const task = await tx.inboundTask.findUnique({ where: { id } });
    if (!task || !from.includes(task.status)) return false;
    const history = [
      ...((task.history as TaskHistoryEntry[] | null) ?? []),
      { status: to, at: change.at.toISOString(), by: change.by ?? null },
    ];
    const moved = await tx.inboundTask.updateMany({
      where: { id, status: task.status },
      data: {
        status: to,
        history,
        updatedAt: change.at,
        ...(change.statusReason !== undefined ? { statusReason: change.statusReason } : {}),
      },
    });
    return moved.count === 1;
  });
}

export type CancelDb = Pick<
  PrismaClient,
  | 'inboundTask'
  | 'inboundJoinRequest'
  | 'inboundJoinStep'
  | 'room'
  | 'roomsAccessRecord'
  | '$executeRaw'
  | '$queryRaw'
  | '$transaction'
>;

export type CancelOutcome =
  | { outcome: 'cancelled' | 'already' | 'decided'; task: InboundTask }
  | { outcome: 'missing' };

/**
 * Ends a RECEIVED Task without a decision: its join request in rooms (if the
 * job made it already and it is still pending) and the Task, in one
 * transaction under the Task's row lock. 'decided' when a manager decided
 * first (the Task then follows the decision); 'already' for a Task cancelled
 * before. Idempotent.
 */
export async function cancelInboundTask(
  db: CancelDb,
  id: string,
  by: Canceller,
  reason: string,
  now: Date,
): Promise<CancelOutcome> {
  return db.$transaction(async (tx) => {
    const task = await lockInboundTask(tx, id);
    if (!task) return { outcome: 'missing' as const };
    if (task.status === 'CANCELLED') return { outcome: 'already' as const, task };
    if (task.status !== 'RECEIVED') return { outcome: 'decided' as const, task };
    const inRooms = await cancelInboundJoinForTask(tx, task.id, by, reason, now);
    if (inRooms === 'decided') return { outcome: 'decided' as const, task };
    const history = [
      ...((task.history as TaskHistoryEntry[] | null) ?? []),
      {
        status: 'CANCELLED',
        at: now.toISOString(),
        by: by.kind === 'partner' ? `PARTNER:${by.partnerId}` : by.kind === 'user' ? by.user.userId : 'SYSTEM',
      },
    ];
    const cancelled = await tx.inboundTask.update({
      where: { id },
      data: { status: 'CANCELLED', statusReason: reason, history, updatedAt: now },
    });
    return { outcome: 'cancelled' as const, task: cancelled };
  });
}

/**
 * PUT/PATCH Task/<id> to cancelled, by the partner that sent it: 200 with the
 * cancelled Task (also when it was cancelled before); 409 once a decision was
 * made (the contract lets a requester cancel only before one); another
 * partner's or an unknown Task is the one 404 (recorded as DENIED).
 */
export async function cancelTaskForPartner(
  db: CancelDb,
  partnerId: string,
  id: string,
  request: { reason: string | null; expectStatus?: string },
  now: Date,
): Promise<InboundTask> {
  const own = await taskForPartner(db, partnerId, id);
  if (request.expectStatus !== undefined && request.expectStatus !== own.status.toLowerCase()) {
    throw new FhirError('CONFLICT', `the Task is ${own.status.toLowerCase()}, not ${request.expectStatus}`, [
      'Task.status',
    ]);
  }
  const result = await cancelInboundTask(
    db,
    own.id,
    { kind: 'partner', partnerId },
    request.reason ?? cancelledByRequesterReason,
    now,
  );
  if (result.outcome === 'missing') throw new FhirError('NOT_FOUND', 'no such Task');
  if (result.outcome === 'decided')
    throw new FhirError('CONFLICT', 'the request was already decided: it can no longer be cancelled', ['Task.status']);
  return result.task;
}
