// Art. 20-3: follows a delivered outbound join (rooms' outbox event
// 'outbound-join.sent') by reading the partner's Task (GET Task/<id>) until
// it is final: rejected (with statusReason), completed (our user is in the
// room: the external membership is recorded, with the CareTeam from
// Task.output) or cancelled. While the partner has not decided, the job puts
// itself back in the delayed set (moveToDelayed + DelayedError: this uses no
// attempt) for a wait that doubles per poll up to a cap, so a decision that
// takes days costs a few dozen calls. A failed read (timeout, 5xx, invalid
// FHIR) is retried with the exchange backoff, then dead-lettered like any
// exchange job, and recorded on the request as its latest failure. Recording
// is conditional on the status read, so repeated polls and duplicate jobs
// change nothing. The Task's statuses are read by partner-task.ts.
import { DelayedError, UnrecoverableError } from 'bullmq';
import { findPartnerForExchange } from '../../subgraphs/identity';
import {
  finalExchangeStatuses,
  outboundJoinSentEvent,
  recordFailure,
  recordPartnerTask,
  requestToPoll,
} from '../../subgraphs/rooms';
import { eventJob } from '../job-definition';
import { clientFor, pollDelay } from '../partner/partner-calls';
import { PartnerCallError } from '../partner/partner-client';
import { taskView } from '../partner/partner-task';

export { taskView } from '../partner/partner-task';

export const outboundJoinPoll = eventJob({
  queue: 'outbound-join-poll',
  events: [outboundJoinSentEvent],
  exchange: true,
  needs: ['outbound', 'partnerCalls'],
  async process({ requestId }, job, deps) {
    const { outbound, partnerCalls } = deps;
    const request = await requestToPoll(outbound, requestId);
    if (!request?.partnerTaskId) return;
    const partner = await findPartnerForExchange(deps.identity.db, request.partnerId);
    if (!partner) throw new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended');
    let view;
    try {
      const client = await clientFor(partner, partnerCalls, deps.logger);
      view = taskView(await client.readTask(request.partnerTaskId, { requestId }));
    } catch (error) {
      if (error instanceof PartnerCallError) await recordFailure(outbound, requestId, error.code);
      throw error;
    }
    // An undecided Task (view null) still counts as a poll, so the wait keeps doubling.
    const status = await recordPartnerTask(outbound, requestId, view);
    if (finalExchangeStatuses.includes(status)) {
      deps.logger.info({ jobId: job.id, requestId, status }, 'outbound join decided by the partner');
      return;
    }
    // Not decided yet: look again later, without spending an attempt.
    await job.moveToDelayed(Date.now() + pollDelay(partnerCalls, request.pollCount), job.token);
    throw new DelayedError();
  },
});
