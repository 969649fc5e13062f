// Our subscriptions at partners (contract v2 push, outbound), over the
// integration schema: one per outbound join request that was sent to a
// partner allowing it (Partner.subscribeAtPartner). The lifecycle
// (prisma/schema.prisma, OutboundSubscriptionStatus):
//
//   REQUESTED ─(outbound-subscription job)─▶ CREATED ─(handshake or any notification)─▶ ACTIVE
//       │                                                   │
//       ├─▶ NOT_OFFERED (no push at the partner, or switched off)
//       └─▶ ERROR (refused, dead-lettered, or the partner reports it broken: normal polling)
//   any live status ─(the request is final)─▶ ENDING ─(DELETE at the partner)─▶ ENDED
//
// Every step that needs the partner goes through the integration outbox and
// a job (retries, dead letters); the poll job keeps polling throughout, only
// less often while the subscription is ACTIVE. A notification is a hint: it
// writes an outbox event whose job reads the Task through the normal client
// (outbound-subscription-rules.ts says why). Ids only in payloads and logs.
import { randomUUID, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { OutboundSubscription, OutboundSubscriptionStatus } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/database';
import { defineEvent } from '../../lib/events/define-event';
import { isUuid } from '../../lib/input';
import { appendIntegrationOutboxEvent } from '../fhir/integration-outbox';
import { FhirError } from '../fhir/operation-outcome';
import {
  echoesSecret,
  notificationSecret,
  readNotification,
  type NotificationKind,
} from './outbound-subscription-rules';

/** Something for the outbound-subscription job to do: create the subscription at the partner, or end it. */
export const outboundSubscriptionChangedEvent = defineEvent({
  type: 'outbound-subscription.changed',
  version: 1,
  payload: z.object({ subscriptionId: z.string().uuid() }).strict(),
});

/** The partner notified us about our Task: read it now (outbound-subscription-notified job). */
export const outboundSubscriptionNotifiedEvent = defineEvent({
  type: 'outbound-subscription.notified',
  version: 1,
  payload: z.object({ subscriptionId: z.string().uuid() }).strict(),
});

export type OutboundSubscriptionDb = Pick<
  PrismaClient,
  'outboundSubscription' | 'partnerPushOffer' | 'integrationOutboxEvent' | '$transaction'
>;

/** Statuses in which the subscription may exist at the partner, so ending it may need a DELETE there. */
const live: OutboundSubscriptionStatus[] = ['REQUESTED', 'CREATED', 'ACTIVE', 'ERROR'];

/**
 * The request's subscription, created (REQUESTED, with the job's event) the
 * first time a sent request is polled, unless the partner is registered with
 * subscribeAtPartner false. Safe to call on every poll: one per request.
 */
export async function ensureOutboundSubscription(
  db: OutboundSubscriptionDb,
  request: { requestId: string; partnerId: string; partnerTaskId: string },
  partner: { subscribeAtPartner: boolean },
): Promise<OutboundSubscription | null> {
  const existing = await db.outboundSubscription.findUnique({ where: { requestId: request.requestId } });
  if (existing || !partner.subscribeAtPartner) return existing;
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.outboundSubscription.create({
        data: {
          id: randomUUID(),
          requestId: request.requestId,
          partnerId: request.partnerId,
          partnerTaskId: request.partnerTaskId,
        },
      });
      await appendIntegrationOutboxEvent(tx, outboundSubscriptionChangedEvent, { subscriptionId: created.id });
      return created;
    });
  } catch (error) {
    // Two polls of one request at once: the other created it (unique request_id).
    if ((error as { code?: string }).code !== 'P2002') throw error;
    return db.outboundSubscription.findUnique({ where: { requestId: request.requestId } });
  }
}

/** The request is final: its subscription (if any, and still live) is ended at the partner by the job. */
export async function endOutboundSubscription(db: OutboundSubscriptionDb, requestId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const subscription = await tx.outboundSubscription.findUnique({ where: { requestId } });
    if (!subscription || !live.includes(subscription.status)) return;
    const moved = await tx.outboundSubscription.updateMany({
      where: { id: subscription.id, status: subscription.status },
      data: { status: 'ENDING', updatedAt: new Date() },
    });
    if (moved.count === 1)
      await appendIntegrationOutboxEvent(tx, outboundSubscriptionChangedEvent, { subscriptionId: subscription.id });
  });
}

/** Moves the subscription from one of `from` to `to` (conditional, so a later state is never overwritten). */
export async function moveOutboundSubscription(
  db: Pick<OutboundSubscriptionDb, 'outboundSubscription'>,
  id: string,
  from: OutboundSubscriptionStatus[],
  to: OutboundSubscriptionStatus,
  extra: { partnerSubscriptionId?: string; lastErrorCode?: string } = {},
): Promise<boolean> {
  const moved = await db.outboundSubscription.updateMany({
    where: { id, status: { in: from } },
    data: { status: to, ...extra, updatedAt: new Date() },
  });
  return moved.count === 1;
}

/**
 * The partner took our Subscription: CREATED with its id, or, when its
 * handshake was faster than this record (ACTIVE already), only the id.
 */
export async function recordPartnerSubscription(
  db: Pick<OutboundSubscriptionDb, 'outboundSubscription'>,
  id: string,
  partnerSubscriptionId: string,
): Promise<void> {
  if (await moveOutboundSubscription(db, id, ['REQUESTED'], 'CREATED', { partnerSubscriptionId })) return;
  await db.outboundSubscription.updateMany({
    where: { id, status: { in: ['ACTIVE', 'ENDING'] }, partnerSubscriptionId: null },
    data: { partnerSubscriptionId, updatedAt: new Date() },
  });
}

/** Whether the partner offers push, as last read and no older than `maxAgeMs`; undefined: read it again. */
export async function cachedPushOffer(
  db: Pick<OutboundSubscriptionDb, 'partnerPushOffer'>,
  partnerId: string,
  maxAgeMs: number,
  now: Date = new Date(),
): Promise<{ topic: string } | null | undefined> {
  const offer = await db.partnerPushOffer.findUnique({ where: { partnerId } });
  if (!offer || now.getTime() - offer.checkedAt.getTime() > maxAgeMs) return undefined;
  return offer.offered && offer.topic ? { topic: offer.topic } : null;
}

export async function rememberPushOffer(
  db: Pick<OutboundSubscriptionDb, 'partnerPushOffer'>,
  partnerId: string,
  offer: { topic: string } | null,
  now: Date = new Date(),
): Promise<void> {
  const data = { offered: offer !== null, topic: offer?.topic ?? null, checkedAt: now };
  await db.partnerPushOffer.upsert({ where: { partnerId }, create: { partnerId, ...data }, update: data });
}

/** What a notification did, for the endpoint's log line (ids and kinds only). */
export interface NotificationReceipt {
  subscriptionId: string;
  requestId: string;
  kind: NotificationKind;
  /** Whether it made us read the Task now. */
  readTask: boolean;
}

/**
 * POST <our FHIR base>/subscription-notifications/<id>, before its body is
 * read: the subscription it names, if it is ours and live and the request
 * carries its secret. Refused otherwise, changing nothing: an unknown (or
 * ended) subscription 404, a missing or wrong secret 401.
 */
export async function authenticateNotification(
  db: Pick<OutboundSubscriptionDb, 'outboundSubscription'>,
  /** The current exchange key first; during a key rotation also the previous (or next) one. */
  exchangeKeys: KeyObject[],
  id: string,
  authorization: string | undefined,
): Promise<OutboundSubscription> {
  const subscription = isUuid(id)
    ? await db.outboundSubscription.findUnique({ where: { id: id.toLowerCase() } })
    : null;
  if (!subscription || subscription.status === 'ENDED' || subscription.status === 'NOT_OFFERED')
    throw new FhirError('NOT_FOUND', 'no such subscription');
  // A subscription made before a key rotation keeps the secret derived from the key it was made with.
  if (!exchangeKeys.some((key) => echoesSecret(authorization, notificationSecret(key, subscription.id))))
    throw new FhirError('UNAUTHENTICATED', "send the subscription's Authorization header");
  return subscription;
}

/**
 * The notification's body, from an authenticated partner: a body that is not
 * a notification Bundle is 400 and changes nothing. Otherwise any
 * notification shows the channel works (ACTIVE: polling slows down), and an
 * event about our Task (or one without a focus: the subscription covers that
 * Task alone) writes the outbox event that reads the Task now.
 */
export async function acceptNotification(
  db: OutboundSubscriptionDb,
  subscription: OutboundSubscription,
  body: unknown,
  now: Date = new Date(),
): Promise<NotificationReceipt> {
  const notification = readNotification(body);
  if (!notification.ok) throw new FhirError('BAD_REQUEST', notification.message, [notification.expression]);
  const { kind, focusTaskIds } = notification.value;
  const receipt = { subscriptionId: subscription.id, requestId: subscription.requestId, kind, readTask: false };
  // Ending: the request is decided; nothing more to learn from it.
  if (subscription.status === 'ENDING') return receipt;
  const aboutOurTask =
    kind === 'event-notification' && (focusTaskIds.length === 0 || focusTaskIds.includes(subscription.partnerTaskId));
  await db.$transaction(async (tx) => {
    await tx.outboundSubscription.updateMany({
      where: { id: subscription.id, status: { in: live } },
      data: { status: 'ACTIVE', lastNotifiedAt: now, updatedAt: now },
    });
    if (aboutOurTask)
      await appendIntegrationOutboxEvent(tx, outboundSubscriptionNotifiedEvent, { subscriptionId: subscription.id });
  });
  return { ...receipt, readTask: aboutOurTask };
}
