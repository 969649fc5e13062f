// Contract v2 push, outbound: brings our subscription at a partner to where
// its row says it should be (adapters/partner/outbound-subscriptions.ts).
// REQUESTED: read whether the partner offers push for Task status (its
// CapabilityStatement, cached per partner), then POST the Subscription (our
// one Task, a rest-hook to our notification endpoint with its secret);
// ENDING (the request is final): DELETE it at the partner. Polling goes on
// whatever happens here; only an ACTIVE subscription slows it down.
//
// Failures: a transient one (timeout, 5xx, 401/403, ...) is retried with the
// exchange backoff and ends as a dead letter, the subscription then ERROR (so
// polling stays at its normal pace); a refusal (a 4xx with an
// OperationOutcome) is the partner's final answer: ERROR at once, no retry.
// A CapabilityStatement we cannot use (none, not FHIR, refused) means "no
// push" and is remembered like an offer. Ids only in the payload and logs.
import { UnrecoverableError, type Job } from 'bullmq';
import type { OutboundSubscription } from '../../generated/prisma/client';
import { findPartnerForExchange, type ExchangePartner } from '../../subgraphs/identity';
import { requestToPoll } from '../../subgraphs/rooms';
import { errorFacts } from '../dead-letter';
import { eventJob } from '../job-definition';
import { clientFor, type PartnerCallSettings } from '../partner/partner-calls';
import { PartnerCallError, type PartnerClient } from '../partner/partner-client';
import { notificationSecret, pushOfferOf, subscriptionFor } from '../partner/outbound-subscription-rules';
import {
  cachedPushOffer,
  moveOutboundSubscription,
  outboundSubscriptionChangedEvent,
  recordPartnerSubscription,
  rememberPushOffer,
  type OutboundSubscriptionDb,
} from '../partner/outbound-subscriptions';

/** Answers to GET metadata that mean "this partner offers no push we can use", rather than "try later". */
const noOfferCodes = new Set(['REFUSED', 'NOT_FHIR', 'WRONG_RESOURCE_TYPE', 'INVALID_FHIR', 'HTTP_404', 'HTTP_405']);

async function pushOffer(
  db: OutboundSubscriptionDb,
  partnerId: string,
  client: PartnerClient,
  settings: PartnerCallSettings,
  requestId: string,
): Promise<{ topic: string } | null> {
  const cached = await cachedPushOffer(db, partnerId, settings.push.offerCacheMs);
  if (cached !== undefined) return cached;
  let offer: { topic: string } | null;
  try {
    offer = pushOfferOf(await client.readCapabilities({ requestId }));
  } catch (error) {
    if (!(error instanceof PartnerCallError && noOfferCodes.has(error.code))) throw error;
    offer = null;
  }
  await rememberPushOffer(db, partnerId, offer);
  return offer;
}

async function create(
  subscription: OutboundSubscription,
  partner: ExchangePartner,
  deps: { inbound: OutboundSubscriptionDb; partnerCalls: PartnerCallSettings },
  client: PartnerClient,
): Promise<'created' | 'not-offered'> {
  const { inbound: db, partnerCalls: settings } = deps;
  const context = { requestId: subscription.requestId };
  const offer = await pushOffer(db, partner.id, client, settings, subscription.requestId);
  if (!offer) {
    await moveOutboundSubscription(db, subscription.id, ['REQUESTED'], 'NOT_OFFERED');
    return 'not-offered';
  }
  const created = await client.createSubscription(
    subscriptionFor({
      topic: offer.topic,
      ourFhirBaseUrl: settings.exchange.fhirBaseUrl,
      subscriptionId: subscription.id,
      partnerTaskId: subscription.partnerTaskId,
      secret: notificationSecret(settings.exchange.key.privateKey, subscription.id),
    }),
    context,
  );
  await recordPartnerSubscription(db, subscription.id, created.id);
  // Ended while the POST was on its way: remove it now rather than leave it at the partner.
  const after = await db.outboundSubscription.findUnique({ where: { id: subscription.id } });
  if (after?.status === 'ENDING' || after?.status === 'ENDED') {
    await client.deleteSubscription(created.id, context);
    await moveOutboundSubscription(db, subscription.id, ['ENDING', 'ENDED'], 'ENDED', {
      partnerSubscriptionId: created.id,
    });
  }
  return 'created';
}

/** The failure's code on the subscription; ERROR when no attempt is left (or it is final). */
async function recordFailure(db: OutboundSubscriptionDb, id: string, job: Job, error: Error, final: boolean) {
  const last = final || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const lastErrorCode = errorFacts(error).errorCode;
  await db.outboundSubscription
    .updateMany({
      where: { id, status: { in: ['REQUESTED', 'CREATED', 'ACTIVE'] } },
      data: { lastErrorCode, ...(last ? { status: 'ERROR' } : {}), updatedAt: new Date() },
    })
    .catch(() => undefined);
}

export const outboundSubscription = eventJob({
  queue: 'outbound-subscription',
  events: [outboundSubscriptionChangedEvent],
  exchange: true,
  needs: ['inbound', 'outbound', 'partnerCalls'],
  async process({ subscriptionId }, job, deps) {
    const db = deps.inbound;
    const subscription = await db.outboundSubscription.findUnique({ where: { id: subscriptionId } });
    if (!subscription || !['REQUESTED', 'ENDING'].includes(subscription.status)) return;
    const log = { jobId: job.id, subscription: subscription.id, requestId: subscription.requestId };
    if (subscription.status === 'REQUESTED' && !(await requestToPoll(deps.outbound, subscription.requestId))) {
      // Decided (or withdrawn) before we got to subscribe: nothing to create.
      await moveOutboundSubscription(db, subscription.id, ['REQUESTED'], 'ENDED');
      return;
    }
    if (subscription.status === 'ENDING' && !subscription.partnerSubscriptionId) {
      await moveOutboundSubscription(db, subscription.id, ['ENDING'], 'ENDED');
      return;
    }
    const partner = await findPartnerForExchange(deps.identity.db, subscription.partnerId);
    if (!partner) {
      const error = new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended');
      await recordFailure(db, subscription.id, job, error, true);
      throw error;
    }
    try {
      const client = await clientFor(partner, deps.partnerCalls, deps.logger);
      if (subscription.status === 'ENDING') {
        await client.deleteSubscription(subscription.partnerSubscriptionId as string, {
          requestId: subscription.requestId,
        });
        await moveOutboundSubscription(db, subscription.id, ['ENDING'], 'ENDED');
        deps.logger.info(log, 'outbound subscription ended at the partner');
        return;
      }
      if (!partner.subscribeAtPartner) {
        await moveOutboundSubscription(db, subscription.id, ['REQUESTED'], 'NOT_OFFERED');
        return;
      }
      const outcome = await create(subscription, partner, { inbound: db, partnerCalls: deps.partnerCalls }, client);
      deps.logger.info(
        { ...log, partnerId: partner.id, outcome },
        outcome === 'created' ? 'outbound subscription created at the partner' : 'the partner offers no push: polling',
      );
    } catch (error) {
      if (!(error instanceof PartnerCallError)) throw error;
      if (subscription.status === 'ENDING') throw error;
      // A refusal is the partner's final answer: polling alone from now on, no retry, no dead letter.
      const final = !error.retryable;
      await recordFailure(db, subscription.id, job, error, final);
      if (final) {
        deps.logger.info(
          { ...log, partnerId: partner.id, code: error.code },
          'the partner refused our subscription: polling',
        );
        return;
      }
      throw error;
    }
  },
});
