// A partner's join Task was stored (integration outbox event
// inbound-task.received) → the join request is created in rooms through
// rooms' own service, which records it in rooms' access chain. Idempotent:
// rooms keys the request by the Task id (its correlation id), so a retry or a
// duplicate returns the existing request. The payload is the Task id only;
// the partner user's name is read from the database, never carried in Redis.
// The request is created under the Task's row lock: a Task the partner
// cancelled (or that a suspension ended) before the request existed gets its
// request created cancelled, for the record, never pending. The Task is read
// once, under that lock.
import { UnrecoverableError } from 'bullmq';
import { lockInboundTask } from '../fhir/inbound-task-service';
import { inboundTaskReceivedEvent } from '../fhir/integration-outbox';
import { readStoredJoinTask, shareCodeSystem } from '../fhir/join-task';
import { createInboundJoinRequestIn, type Canceller } from '../../subgraphs/rooms';
import { eventJob } from '../job-definition';

export const inboundJoinReceived = eventJob({
  queue: 'inbound-join-received',
  events: [inboundTaskReceivedEvent],
  exchange: true,
  needs: ['inbound'],
  async process({ inboundTaskId }, job, deps) {
    const { created } = await deps.inbound.$transaction(async (tx) => {
      const task = await lockInboundTask(tx, inboundTaskId);
      if (!task) throw new UnrecoverableError('inbound-join-received: no such inbound Task');
      // The stored Task was validated (R4 and the contract) on arrival; it is read again only for its fields (the share code
      // was removed: a placeholder goes back in its place).
      const parsed = readStoredJoinTask({
        ...(task.task as Record<string, unknown>),
        focus: { type: 'CareTeam', identifier: { system: shareCodeSystem, value: 'removed-when-stored' } },
      });
      if (!parsed.ok) throw new UnrecoverableError('inbound-join-received: the stored Task no longer parses');
      const t = parsed.value;
      const cancelled =
        task.status === 'CANCELLED'
          ? { by: cancellerOf(task.history), reason: task.statusReason ?? 'cancelled' }
          : undefined;
      const input = {
        correlationId: task.id,
        roomId: task.roomId,
        partnerId: task.partnerId,
        shareCodeId: task.shareCodeId,
        taskIdentifier: `${t.identifier.system}|${t.identifier.value}`,
        requesterName: t.requester.display,
        practitionerSystem: t.practitioner.system,
        practitionerValue: t.practitioner.value,
        practitionerName: t.practitioner.display,
        organizationName: t.organization.display,
        organizationIdentifiers: t.organization.identifiers ?? [],
        consentBasis: t.consent ?? null,
        reason: t.reason,
      };
      return createInboundJoinRequestIn(tx, input, { cancelled });
    });
    if (created) deps.logger.info({ jobId: job.id, task: inboundTaskId }, 'inbound join request created');
  },
});

/** Who cancelled, from the Task's history (cancelInboundTask writes PARTNER:<id> or SYSTEM). */
function cancellerOf(history: unknown): Canceller {
  const last = Array.isArray(history)
    ? (history as Array<{ status?: string; by?: string | null }>).filter((h) => h.status === 'CANCELLED').pop()
    : undefined;
  const partner = /^PARTNER:([0-9a-f-]{36})$/.exec(last?.by ?? '');
  return partner?.[1] ? { kind: 'partner', partnerId: partner[1] } : { kind: 'system' };
}
