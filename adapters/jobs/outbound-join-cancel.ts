// Art. 20-3: a request withdrawn after our approval (rooms' outbox event
// 'outbound-join.withdrawn', written with the withdrawal) asks the partner to
// cancel the Task it may hold, as the exchange contract lets a requester do
// before a decision:
// - the Task is read first, so the request follows a decision the partner
//   already made (accepted, rejected, completed, cancelled) instead of
//   overwriting it: the partner's word wins;
// - otherwise a JSON Patch tests the status read and replaces it with
//   cancelled (a PUT of the Task as read, If-Match on its version, for a
//   server without patch: partner-client.ts), so a partner that decides in
//   between is not overwritten either: it answers 409 (or 412);
// - a 409 with an OperationOutcome is the partner's final "already
//   decided" (unless a re-read shows the Task cancelled: a duplicate job of
//   ours got there first): recorded once as a cancel-refused step, with the
//   decision if the Task shows it already; the poll job keeps following the
//   Task and the request ends as the partner decided;
// - a Task we never heard back about (the withdrawal raced a send) is looked
//   for by our identifier, once any POST that passed the send gate before
//   the withdrawal must have ended (the call timeout, plus a margin); one
//   found is recorded as sent, which asks for its cancellation again;
// - every other failure is recorded on the request, retried with the
//   exchange backoff and dead-lettered with its code, as the send job's.
// The processor re-reads the request and exits when there is nothing (left)
// to cancel, so a retry or a duplicate event is harmless.
import { DelayedError, UnrecoverableError } from 'bullmq';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { findPartnerForExchange } from '../../subgraphs/identity';
import {
  outboundJoinWithdrawnEvent,
  recordCancelRefused,
  recordFailure,
  recordPartnerDecision,
  recordSent,
  requestToCancel,
} from '../../subgraphs/rooms';
import { eventJob } from '../job-definition';
import { taskToAdopt } from '../partner/partner-answer';
import { clientFor } from '../partner/partner-calls';
import { PartnerCallError } from '../partner/partner-client';
import { taskView } from '../partner/partner-task';

/** Task.statusReason of our cancellation: no name, no reason text of the user's (the partner keeps it). */
export const withdrawnReason = 'withdrawn by the requester';

/** After the call timeout, how much longer a POST already under way at the withdrawal may take to show at the partner. */
const inFlightMarginMs = 5_000;

export const outboundJoinCancel = eventJob({
  queue: 'outbound-join-cancel',
  events: [outboundJoinWithdrawnEvent],
  exchange: true,
  needs: ['outbound', 'partnerCalls'],
  async process({ requestId }, job, deps) {
    const { outbound, partnerCalls } = deps;
    const request = await requestToCancel(outbound, requestId);
    if (!request) return;
    const partner = await findPartnerForExchange(deps.identity.db, request.partnerId);
    // Unknown or suspended: no traffic (a suspension at the partner's side cancels its Tasks there anyway).
    if (!partner) throw new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended');
    try {
      const client = await clientFor(partner, partnerCalls, deps.logger);
      const taskId = request.partnerTaskId;
      if (!taskId) {
        const settlesAt = request.withdrawnAt.getTime() + partnerCalls.timeoutMs + inFlightMarginMs;
        if (Date.now() < settlesAt) {
          // A POST that passed the gate before the withdrawal may still be on its way: look once it has ended.
          await job.moveToDelayed(settlesAt, job.token);
          throw new DelayedError();
        }
        const identifier = {
          system: ourIdentifierSystems(partnerCalls.exchange.fhirBaseUrl).request,
          value: request.id,
        };
        const found = taskToAdopt(await client.searchTasks(identifier, { requestId }));
        if (!found) {
          deps.logger.info(
            { jobId: job.id, requestId, partnerId: partner.id },
            'outbound join withdrawn: the partner holds no Task of it',
          );
          return;
        }
        const anomaly =
          found.others.length > 0
            ? `DUPLICATE_TASKS: ${found.others.length + 1} Tasks at the partner carry our identifier; adopted Task/${found.task.id}`
            : undefined;
        // Recording it asks for this cancellation again (a new job, with the Task's id), and starts the poll.
        await recordSent(outbound, requestId, found.task.id, 'received', new Date(), { adopted: true, anomaly });
        return;
      }
      const task = await client.readTask(taskId, { requestId });
      const now = taskView(task);
      if (now && now.status !== 'received') {
        await recordPartnerDecision(outbound, requestId, now);
        deps.logger.info(
          { jobId: job.id, requestId, partnerId: partner.id, status: now.status },
          'outbound join withdrawn after the partner answered: following its answer',
        );
        return;
      }
      let answer;
      try {
        answer = await client.cancelTask(task, withdrawnReason, { requestId });
      } catch (error) {
        if (!(error instanceof PartnerCallError && error.code === 'REFUSED' && error.status === 409)) throw error;
        // Decided by the partner, or cancelled meanwhile by a duplicate job of ours: its Task says which, if it shows it yet.
        const again = taskView(await client.readTask(taskId, { requestId }));
        if (again && again.status !== 'received') await recordPartnerDecision(outbound, requestId, again);
        if (again?.status === 'cancelled') return;
        await recordCancelRefused(
          outbound,
          requestId,
          'the partner refused to cancel (HTTP 409): it had already decided; the request follows its decision',
        );
        deps.logger.info(
          { jobId: job.id, requestId, partnerId: partner.id },
          'outbound join withdrawn too late: the partner had decided',
        );
        return;
      }
      const after = taskView(answer);
      if (after?.status !== 'cancelled')
        throw new PartnerCallError(
          'INVALID_FHIR',
          'the partner answered our cancellation with a Task that is not cancelled',
          true,
          { operation: 'cancel-task' },
        );
      await recordPartnerDecision(outbound, requestId, after);
      deps.logger.info(
        { jobId: job.id, requestId, partnerId: partner.id },
        'outbound join withdrawn: the partner cancelled its Task',
      );
    } catch (error) {
      if (!(error instanceof PartnerCallError)) throw error;
      await recordFailure(outbound, requestId, error.code);
      // 412: the Task changed since we read it; read it again on the next attempt.
      if (error.code === 'REFUSED' && error.status === 412)
        throw new PartnerCallError('HTTP_412', 'the Task changed at the partner since we read it', true, error.details);
      // Any other final answer (the Task gone, our cancellation invalid to it): a dead letter for a person to look at.
      if (!error.retryable) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  },
});
