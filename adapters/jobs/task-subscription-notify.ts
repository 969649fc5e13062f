// Delivers what a partner's Task subscription has pending (issue 17 part 3):
// the handshake first (a new subscription is `requested` until its endpoint
// took one), then every undelivered event in event-number order, in one
// notification Bundle. The events were numbered in the transaction of each
// status change (the trigger of migration 20261205170000), so a retry sends
// the same numbers and the partner can drop what it already has; a 2xx moves
// `delivered_up_to`, so an event acknowledged once is never sent again.
//
// One delivery per subscription at a time: a PostgreSQL advisory lock (held
// by this job's transaction) serialises the jobs of one subscription across
// workers, so notifications leave in number order and no two jobs send the
// same events. The subscription's row itself is not locked during the call:
// the trigger that numbers new events must never wait on a partner.
//
// Retry, backoff and dead letter are the exchange's (exchange: true). After
// the last attempt the subscription is `error` (with the failure code); the
// next delivery that succeeds, for a later change or a re-driven dead letter,
// sends everything still pending and makes it `active` again. Ids only in
// the payload and the logs.
import type { Job } from 'bullmq';
import type { InboundTask, TaskSubscription } from '../../generated/prisma/client';
import { renderStoredTask } from '../fhir/inbound-task-service';
import { postNotification } from '../fhir/subscriptions/notification-sender';
import { notificationBundle } from '../fhir/subscriptions/subscription-rules';
import { taskSubscriptionNotifyEvent, type TaskSubscriptionDb } from '../fhir/subscriptions/subscription-service';
import { PartnerCallError } from '../partner/partner-client';
import { errorFacts } from '../dead-letter';
import { eventJob } from '../job-definition';

/** At most this many events per notification; the rest go in the next one of the same run. */
const eventsPerNotification = 50;

export const taskSubscriptionNotify = eventJob({
  queue: 'task-subscription-notify',
  events: [taskSubscriptionNotifyEvent],
  exchange: true,
  needs: ['inbound', 'partnerCalls'],
  async process({ subscriptionId }, job, deps) {
    const db = deps.inbound;
    const settings = deps.partnerCalls;
    try {
      const delivered = await db.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${subscriptionId}, 7170))`;
          const subscription = await tx.taskSubscription.findUnique({ where: { id: subscriptionId } });
          // Deleted, or switched off: nothing to send (a stale job).
          if (!subscription || subscription.status === 'OFF') return null;
          const transport = await settings.transport(subscription.partnerId);
          if (!transport) throw new PartnerCallError('NOT_CONFIGURED', 'the partner is unknown or suspended', true);
          const target = {
            partnerId: subscription.partnerId,
            endpoint: subscription.endpoint,
            headers: subscription.headers,
            trustedCaPems: transport.caPems.length > 0 ? transport.caPems : settings.trustedCaPems,
            timeoutMs: settings.timeoutMs,
          };
          const fhirBaseUrl = settings.exchange.fhirBaseUrl;
          let sent = 0;
          if (subscription.status === 'REQUESTED') {
            await postNotification(
              target,
              notificationBundle({
                fhirBaseUrl,
                subscription,
                status: 'active',
                type: 'handshake',
                eventsSinceStart: subscription.eventsIssued,
                events: [],
                at: new Date(),
              }),
            );
          }
          let upTo = subscription.deliveredUpTo;
          for (;;) {
            const events = await tx.taskSubscriptionEvent.findMany({
              where: { subscriptionId, eventNumber: { gt: upTo } },
              orderBy: { eventNumber: 'asc' },
              take: eventsPerNotification,
            });
            if (events.length === 0) break;
            const last = events[events.length - 1]!.eventNumber;
            const tasks = await fullResources(tx, subscription, events.map((e) => e.taskId));
            await postNotification(
              target,
              notificationBundle({
                fhirBaseUrl,
                subscription,
                status: 'active',
                type: 'event-notification',
                eventsSinceStart: Math.max(last, subscription.eventsIssued),
                events,
                tasks,
                at: new Date(),
              }),
            );
            await tx.taskSubscriptionEvent.updateMany({
              where: { subscriptionId, eventNumber: { gt: upTo, lte: last } },
              data: { deliveredAt: new Date() },
            });
            upTo = last;
            sent += events.length;
          }
          // Only this job (under the lock) moves delivered_up_to; the trigger touches events_issued alone.
          await tx.taskSubscription.update({
            where: { id: subscriptionId },
            data: { status: 'ACTIVE', deliveredUpTo: upTo, updatedAt: new Date() },
          });
          return { partnerId: subscription.partnerId, sent, upTo, handshake: subscription.status === 'REQUESTED' };
        },
        // Calls wait at most the exchange timeout each; the lock may first wait for another job's delivery.
        { maxWait: 10_000, timeout: 10 * (settings.timeoutMs + 5_000) },
      );
      if (delivered)
        deps.logger.info({ jobId: job.id, subscription: subscriptionId, ...delivered }, 'subscription notified');
    } catch (error) {
      await recordFailure(db, subscriptionId, job, error as Error);
      throw error;
    }
  },
});

async function fullResources(
  tx: Pick<TaskSubscriptionDb, 'inboundTask'>,
  subscription: TaskSubscription,
  taskIds: string[],
): Promise<Map<string, Record<string, unknown>> | undefined> {
  if (subscription.payloadContent !== 'FULL_RESOURCE') return undefined;
  // The partner's own Tasks only (the trigger numbered nothing else; checked again all the same).
  const tasks: InboundTask[] = await tx.inboundTask.findMany({
    where: { id: { in: [...new Set(taskIds)] }, partnerId: subscription.partnerId },
  });
  return new Map(tasks.map((t) => [t.id, renderStoredTask(t)]));
}

/** The failure's code on the subscription; after the last attempt (the dead letter) its status is `error`. */
async function recordFailure(db: TaskSubscriptionDb, subscriptionId: string, job: Job, error: Error): Promise<void> {
  const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  try {
    await db.taskSubscription.updateMany({
      where: { id: subscriptionId, status: { not: 'OFF' } },
      data: {
        lastErrorCode: errorFacts(error).errorCode,
        ...(last ? { status: 'ERROR' } : {}),
        updatedAt: new Date(),
      },
    });
  } catch {
    // The job's own failure is what matters: it is retried or dead-lettered either way.
  }
}
