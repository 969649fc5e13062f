// A partner was suspended (identity's outbox event partner.suspended) → every
// join Task it still has in `received` is cancelled with the reason "the
// partner was suspended", and its pending join request with it (rooms'
// service, under the Task's row lock: cancelInboundTask). The partner cannot
// read anything while suspended; once reactivated it finds its Tasks
// cancelled rather than waiting forever. Idempotent: a Task already decided
// or cancelled is left alone, so a retry changes nothing. A late job (the
// partner reactivated meanwhile) does nothing, and only Tasks received before
// the suspension are cancelled: one received after a reactivation is live.
import { partnerSuspendedEvent, suspendedSince } from '../../subgraphs/identity';
import { partnerSuspendedReason } from '../../subgraphs/rooms';
import { cancelInboundTask } from '../fhir/inbound-task-service';
import { eventJob } from '../job-definition';

export const inboundJoinPartnerSuspended = eventJob({
  queue: 'inbound-join-partner-suspended',
  events: [partnerSuspendedEvent],
  needs: ['inbound'],
  async process({ partnerId }, job, deps) {
    const db = deps.inbound;
    const since = await suspendedSince(deps.identity.db, partnerId);
    if (!since) {
      deps.logger.info({ jobId: job.id, partner: partnerId }, 'partner no longer suspended: nothing to cancel');
      return;
    }
    const received = await db.inboundTask.findMany({
      where: { partnerId, status: 'RECEIVED', receivedAt: { lte: since } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    let cancelled = 0;
    for (const { id } of received) {
      const result = await cancelInboundTask(db, id, { kind: 'system' }, partnerSuspendedReason, new Date());
      if (result.outcome === 'cancelled') cancelled += 1;
    }
    deps.logger.info(
      { jobId: job.id, partner: partnerId, cancelled },
      'inbound Tasks of a suspended partner cancelled',
    );
  },
});
