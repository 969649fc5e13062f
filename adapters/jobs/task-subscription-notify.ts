// Delivers what a partner's Task subscription has pending (issue 17 part 3):
// the handshake first (a new subscription is `requested` until its endpoint
// took one), then every undelivered event in event-number order, in one
// notification Bundle. The events were numbered in the transaction of each
// status change (the trigger of migration 20261205170000), so a retry sends
// the same numbers and the partner can drop what it already has; a 2xx moves
// `delivered_up_to`, so an event acknowledged once is never sent again.
//
// One delivery per subscription at a time, across workers, so notifications
// leave in number order and no two jobs send the same events: a lease on the
// subscription's row (a token and an expiry, renewed per notification). A
// job that finds the lease taken sets `recheck` and ends: the holder looks
// for pending events again before it lets go, so an event committed while it
// was sending is never stranded. A lease rather than a lock held in a
// transaction: no database connection waits on a partner's endpoint (with a
// small pool, jobs waiting on a lock inside transactions starved the holder
// of the connection it needed). A worker that dies mid-delivery leaves a
// lease that expires; BullMQ's stalled check runs its job again.
//
// Retry, backoff and dead letter are the exchange's (exchange: true). After
// the last attempt the subscription is `error` (with the failure code); the
// next delivery that succeeds, for a later change or a re-driven dead letter,
// sends everything still pending and makes it `active` again. Ids only in
// the payload and the logs.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { InboundTask, Prisma, TaskSubscription } from '../../generated/prisma/client';
import { renderStoredTask } from '../fhir/inbound-task-service';
import { postNotification } from '../fhir/subscriptions/notification-sender';
import { checkEndpoint, notificationBundle } from '../fhir/subscriptions/subscription-rules';
import { findPartnerForExchange } from '../../subgraphs/identity';
import {
  openSubscriptionHeaders,
  taskSubscriptionNotifyEvent,
  type TaskSubscriptionDb,
} from '../fhir/subscriptions/subscription-service';
import { PartnerCallError } from '../partner/partner-client';
import type { PartnerCallSettings } from '../partner/partner-calls';
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
    // Longer than one call may take, so the lease cannot expire while a notification is on its way.
    const leaseMs = 3 * settings.timeoutMs + 5_000;
    const token = randomUUID();
    const claimed = await claimLease(db, subscriptionId, token, leaseMs);
    if (!claimed) {
      deps.logger.info({ jobId: job.id, subscription: subscriptionId }, 'subscription busy: its holder sends');
      return;
    }
    let sent = 0;
    let handshake = false;
    try {
      for (;;) {
        const round = await deliverPending(db, subscriptionId, token, leaseMs, settings, deps.identity.db);
        if (!round) return; // deleted, switched off, or the lease lost
        sent += round.sent;
        handshake ||= round.handshake;
        if (await releaseLease(db, subscriptionId, token)) break;
      }
      deps.logger.info({ jobId: job.id, subscription: subscriptionId, sent, handshake }, 'subscription notified');
    } catch (error) {
      await recordFailure(db, subscriptionId, token, job, error as Error);
      throw error;
    }
  },
});

/** Takes the lease when it is free or expired; else asks its holder to look again (and tries once more, in case it just let go). */
async function claimLease(db: TaskSubscriptionDb, id: string, token: string, leaseMs: number): Promise<boolean> {
  const take = async () => {
    const now = new Date();
    const taken = await db.taskSubscription.updateMany({
      where: { id, status: { not: 'OFF' }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseToken: token, leaseUntil: new Date(now.getTime() + leaseMs), recheck: false },
    });
    return taken.count === 1;
  };
  if (await take()) return true;
  await db.taskSubscription.updateMany({ where: { id }, data: { recheck: true } });
  return take();
}

/** Lets go unless a job asked for a recheck meanwhile (then clears it, and the caller delivers once more). */
async function releaseLease(db: TaskSubscriptionDb, id: string, token: string): Promise<boolean> {
  const released = await db.taskSubscription.updateMany({
    where: { id, leaseToken: token, recheck: false },
    data: { leaseToken: null, leaseUntil: null },
  });
  if (released.count === 1) return true;
  const asked = await db.taskSubscription.updateMany({ where: { id, leaseToken: token }, data: { recheck: false } });
  // Lease lost (expired and taken): the new holder delivers; we are done.
  return asked.count === 0;
}

/**
 * The handshake if still owed, then every pending event in number order,
 * each notification acknowledged before the next; the lease is renewed with
 * each one. Null when there is nothing to do any more (gone, off, lease lost).
 */
async function deliverPending(
  db: TaskSubscriptionDb,
  id: string,
  token: string,
  leaseMs: number,
  settings: PartnerCallSettings,
  identityDb: Parameters<typeof findPartnerForExchange>[0],
): Promise<{ sent: number; handshake: boolean } | null> {
  const subscription = await db.taskSubscription.findUnique({ where: { id } });
  if (!subscription || subscription.status === 'OFF' || subscription.leaseToken !== token) return null;
  // Deny by default, at every delivery: the partner active now, and the endpoint still on its registered host
  // (an administrator may have changed its FHIR base URL since it subscribed).
  const partner = await findPartnerForExchange(identityDb, subscription.partnerId);
  const transport = partner ? await settings.transport(subscription.partnerId) : null;
  if (!partner || !transport) throw new PartnerCallError('NOT_CONFIGURED', 'the partner is unknown or suspended', true);
  if (checkEndpoint(subscription.endpoint, partner.fhirBaseUrl))
    throw new PartnerCallError(
      'NOT_CONFIGURED',
      "the subscription's endpoint is no longer on the partner's registered host",
      true,
    );
  let headers: string[];
  try {
    headers = openSubscriptionHeaders(settings.vault, subscription);
  } catch {
    // Sealed under another KEK (CA_DIR/partner-keys.kek not restored with the database) or altered: never send without it.
    throw new PartnerCallError('NOT_CONFIGURED', "the subscription's channel header cannot be opened", true);
  }
  const target = {
    partnerId: subscription.partnerId,
    endpoint: subscription.endpoint,
    headers,
    trustedCaPems: transport.caPems.length > 0 ? transport.caPems : settings.trustedCaPems,
    timeoutMs: settings.timeoutMs,
  };
  const fhirBaseUrl = settings.exchange.fhirBaseUrl;
  const renew = async (data: Prisma.TaskSubscriptionUpdateManyMutationInput) => {
    const now = new Date();
    const kept = await db.taskSubscription.updateMany({
      where: { id, leaseToken: token },
      data: { ...data, leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now },
    });
    return kept.count === 1;
  };
  const handshake = subscription.status === 'REQUESTED';
  if (handshake) {
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
    if (!(await renew({ status: 'ACTIVE' }))) return null;
  }
  let upTo = subscription.deliveredUpTo;
  let sent = 0;
  for (;;) {
    const events = await db.taskSubscriptionEvent.findMany({
      where: { subscriptionId: id, eventNumber: { gt: upTo } },
      orderBy: { eventNumber: 'asc' },
      take: eventsPerNotification,
    });
    if (events.length === 0) break;
    const last = events[events.length - 1]!.eventNumber;
    const tasks = await fullResources(
      db,
      subscription,
      events.map((e) => e.taskId),
    );
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
    // Acknowledged: never sent again (only the lease holder moves delivered_up_to).
    if (!(await renew({ status: 'ACTIVE', deliveredUpTo: last }))) return null;
    await db.taskSubscriptionEvent.updateMany({
      where: { subscriptionId: id, eventNumber: { gt: upTo, lte: last } },
      data: { deliveredAt: new Date() },
    });
    upTo = last;
    sent += events.length;
  }
  if (!handshake && subscription.status === 'ERROR') await renew({ status: 'ACTIVE' });
  return { sent, handshake };
}

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

/**
 * The failure's code on the subscription, and the lease released (the retry
 * claims it again); after the last attempt (the dead letter) its status is
 * `error`.
 */
async function recordFailure(
  db: TaskSubscriptionDb,
  subscriptionId: string,
  token: string,
  job: Job,
  error: Error,
): Promise<void> {
  const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  try {
    await db.taskSubscription.updateMany({
      where: { id: subscriptionId, leaseToken: token },
      data: { leaseToken: null, leaseUntil: null },
    });
    await db.taskSubscription.updateMany({
      where: { id: subscriptionId, status: { not: 'OFF' } },
      data: {
        lastErrorCode: errorFacts(error).errorCode,
        ...(last ? { status: 'ERROR' } : {}),
        updatedAt: new Date(),
      },
    });
  } catch {
    // The job's own failure is what matters: it is retried or dead-lettered either way (an unreleased lease expires).
  }
}
