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
//
// Contract v2 push, outbound: the first poll also asks for our subscription
// at the partner (adapters/partner/outbound-subscriptions.ts; the
// outbound-subscription job finds out whether the partner offers it and
// creates it). While it is ACTIVE a notification brings the partner's
// decision (outbound-subscription-notified) and this poll is only the fallback, so it
// waits at least the subscribed delay; each such poll also reads the
// partner's Subscription and falls back to the normal pace when the partner
// says it is broken or gone. Once the request is final the subscription is
// ended. A worker without the integration tables (deps.inbound) only polls.
import { DelayedError, UnrecoverableError } from 'bullmq';
import { findPartnerForExchange } from '../../subgraphs/identity';
import {
  finalExchangeStatuses,
  outboundJoinSentEvent,
  recordFailure,
  recordPartnerTask,
  requestToPoll,
} from '../../subgraphs/rooms';
import type { OutboundSubscription } from '../../generated/prisma/client';
import type { Logger } from '../../lib/logger';
import { eventJob } from '../job-definition';
import { clientFor, pollDelay } from '../partner/partner-calls';
import { PartnerCallError, type PartnerClient } from '../partner/partner-client';
import { taskView } from '../partner/partner-task';
import { partnerSubscriptionUsable } from '../partner/outbound-subscription-rules';
import {
  endOutboundSubscription,
  ensureOutboundSubscription,
  moveOutboundSubscription,
  type OutboundSubscriptionDb,
} from '../partner/outbound-subscriptions';

export { taskView } from '../partner/partner-task';

export const outboundJoinPoll = eventJob({
  queue: 'outbound-join-poll',
  events: [outboundJoinSentEvent],
  exchange: true,
  needs: ['outbound', 'partnerCalls'],
  async process({ requestId }, job, deps) {
    const { outbound, partnerCalls } = deps;
    const integration = deps.inbound;
    const request = await requestToPoll(outbound, requestId);
    if (!request?.partnerTaskId) {
      // Final (perhaps through a notification, or a cancellation): its subscription, if any, ends.
      if (integration) await endOutboundSubscription(integration, requestId);
      return;
    }
    const partner = await findPartnerForExchange(deps.identity.db, request.partnerId);
    if (!partner) throw new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended');
    const subscription = integration
      ? await ensureOutboundSubscription(
          integration,
          { requestId, partnerId: partner.id, partnerTaskId: request.partnerTaskId },
          partner,
        )
      : null;
    let view;
    let client: PartnerClient;
    try {
      client = await clientFor(partner, partnerCalls, deps.logger);
      view = taskView(await client.readTask(request.partnerTaskId, { requestId }));
    } catch (error) {
      if (error instanceof PartnerCallError) await recordFailure(outbound, requestId, error.code);
      throw error;
    }
    // An undecided Task (view null) still counts as a poll, so the wait keeps doubling.
    const status = await recordPartnerTask(outbound, requestId, view);
    if (finalExchangeStatuses.includes(status)) {
      if (integration) await endOutboundSubscription(integration, requestId);
      deps.logger.info({ jobId: job.id, requestId, status }, 'outbound join decided by the partner');
      return;
    }
    const subscribed =
      integration && subscription?.status === 'ACTIVE'
        ? await stillSubscribed(integration, subscription, client, deps.logger)
        : false;
    // Not decided yet: look again later, without spending an attempt.
    await job.moveToDelayed(Date.now() + pollDelay(partnerCalls, request.pollCount, subscribed), job.token);
    throw new DelayedError();
  },
});

/**
 * Whether our ACTIVE subscription still stands at the partner (its
 * Subscription read now): one it reports `error` or `off`, or no longer has,
 * becomes ERROR and the poll goes back to its normal pace. A read that fails
 * otherwise changes nothing (the poll itself worked, and the next one asks again).
 */
async function stillSubscribed(
  db: OutboundSubscriptionDb,
  subscription: OutboundSubscription,
  client: PartnerClient,
  logger: Logger,
): Promise<boolean> {
  if (!subscription.partnerSubscriptionId) return true;
  let problem: string | null = null;
  try {
    const read = await client.readSubscription(subscription.partnerSubscriptionId, {
      requestId: subscription.requestId,
    });
    if (!partnerSubscriptionUsable(read)) problem = `PARTNER_SUBSCRIPTION_${String(read.status).toUpperCase()}`;
  } catch (error) {
    if (!(error instanceof PartnerCallError)) throw error;
    if (error.status === 404 || error.status === 410) problem = 'PARTNER_SUBSCRIPTION_GONE';
    else return true;
  }
  if (!problem) return true;
  await moveOutboundSubscription(db, subscription.id, ['ACTIVE'], 'ERROR', { lastErrorCode: problem.slice(0, 60) });
  logger.info(
    { subscription: subscription.id, requestId: subscription.requestId, code: problem },
    'our subscription at the partner no longer works: polling at the normal pace',
  );
  return false;
}
