// Contract v2 push, outbound: the partner notified us that our join Task
// changed (adapters/partner/outbound-subscriptions.ts wrote the event). The
// notification is only a hint, so this job does what the poll would do,
// now: it reads the Task from the partner through the normal authenticated
// client and records what the Task says (conditional on the state read, as
// every recording of the exchange is, so it races safely with the poll job
// and with other notifications). It does not count as a poll (the poll's
// own backoff is untouched) and never schedules itself again: the poll job
// is still there as the fallback. Once the request is final the
// subscription is ended at the partner. Retries and dead letters are the
// exchange's. Ids only in the payload and logs.
import { UnrecoverableError } from 'bullmq';
import { findPartnerForExchange } from '../../subgraphs/identity';
import { recordFailure, recordPartnerDecision, requestToPoll } from '../../subgraphs/rooms';
import { eventJob } from '../job-definition';
import { clientFor } from '../partner/partner-calls';
import { PartnerCallError } from '../partner/partner-client';
import { taskView } from '../partner/partner-task';
import { endOutboundSubscription, outboundSubscriptionNotifiedEvent } from '../partner/outbound-subscriptions';

export const outboundSubscriptionNotified = eventJob({
  queue: 'outbound-subscription-notified',
  events: [outboundSubscriptionNotifiedEvent],
  exchange: true,
  needs: ['inbound', 'outbound', 'partnerCalls'],
  async process({ subscriptionId }, job, deps) {
    const { inbound, outbound, partnerCalls } = deps;
    const subscription = await inbound.outboundSubscription.findUnique({ where: { id: subscriptionId } });
    if (!subscription) return;
    const { requestId } = subscription;
    const request = await requestToPoll(outbound, requestId);
    if (!request?.partnerTaskId) {
      await endOutboundSubscription(inbound, requestId);
      return;
    }
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
    if (view) await recordPartnerDecision(outbound, requestId, view);
    const final = !(await requestToPoll(outbound, requestId));
    if (final) await endOutboundSubscription(inbound, requestId);
    deps.logger.info(
      { jobId: job.id, requestId, subscription: subscription.id, status: view?.status ?? 'undecided', final },
      'outbound join Task read on a notification',
    );
  },
});
