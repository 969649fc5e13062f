// A manager approved or rejected a partner's join request (rooms' outbox
// event inbound-join.decided) → the partner's Task follows: accepted, then
// completed with the CareTeam reference once the participant is in the room,
// or rejected with the reason as statusReason; a request ended without a
// decision (a manager withdrew it, its share code was revoked) → cancelled
// with the reason. The partner pulls it with GET
// Task/<id>. Idempotent: the job re-reads the decision from rooms' service and
// only moves the Task forward from the states it expects, so a retry or a
// duplicate changes nothing.
import { UnrecoverableError } from 'bullmq';
import { inboundJoinDecidedEvent, inboundJoinOutcome } from '../../subgraphs/rooms';
import { advanceInboundTask } from '../fhir/inbound-task-service';
import { eventJob } from '../job-definition';

export const inboundJoinDecided = eventJob({
  queue: 'inbound-join-decided',
  events: [inboundJoinDecidedEvent],
  exchange: true,
  needs: ['inbound'],
  async process({ correlationId }, job, deps) {
    const db = deps.inbound;
    const outcome = await inboundJoinOutcome(db, correlationId);
    if (!outcome) throw new UnrecoverableError('inbound-join-decided: no join request for this Task');
    const at = outcome.decidedAt ?? new Date();
    if (outcome.status === 'REJECTED') {
      await advanceInboundTask(db, correlationId, ['RECEIVED'], 'REJECTED', {
        statusReason: outcome.decisionReason,
        by: outcome.decidedBy,
        at,
      });
    } else if (outcome.status === 'CANCELLED') {
      await advanceInboundTask(db, correlationId, ['RECEIVED'], 'CANCELLED', {
        statusReason: outcome.decisionReason,
        by: outcome.decidedBy,
        at,
      });
    } else if (outcome.status === 'APPROVED') {
      await advanceInboundTask(db, correlationId, ['RECEIVED'], 'ACCEPTED', { by: outcome.decidedBy, at });
      // The participant was added with the approval: the Task completes at once.
      if (outcome.participantId)
        await advanceInboundTask(db, correlationId, ['ACCEPTED'], 'COMPLETED', { at: new Date() });
    }
    deps.logger.info({ jobId: job.id, task: correlationId, decision: outcome.status }, 'inbound Task updated');
  },
});
