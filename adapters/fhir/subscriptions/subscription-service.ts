// POST/GET/DELETE Subscription for partners (issue 17 part 3), over the
// integration schema. A subscription is the partner's own: another partner's
// id is the same 404 as an unknown one. A filter naming a Task that is not
// the partner's own (another partner's, or none) is one 400 that does not say
// which, and the attempt is in rooms' access chain as DENIED, as a read of
// another partner's Task is. A new subscription is stored with an outbox
// event in one transaction: the delivery job's first act is the handshake.
//
// The channel's Authorization header is the partner's secret for its own
// endpoint: it is stored sealed (AES-256-GCM under the KEK beside the CA,
// lib/exchange/partner-key-vault.ts, bound to the subscription's id), so a
// database dump or a read-only database role does not hand it out. Only the
// delivery job opens it, to send it.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TaskSubscription } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import type { PartnerKeyVault } from '../../../lib/exchange/partner-key-vault';
import { defineEvent } from '../../../lib/events/define-event';
import type { ExchangePartner } from '../../../subgraphs/identity';
import { partnerTarget, recordPartnerAccess } from '../../../subgraphs/rooms';
import { appendIntegrationOutboxEvent } from '../integration-outbox';
import { FhirError } from '../operation-outcome';
import { parseSubscription, renderSubscription } from './subscription-rules';

/**
 * Deliver what a subscription has pending (the handshake, then its events in
 * number order). Written by subscribe() and, for every status change, by the
 * trigger on integration.inbound_task (migration 20261205170000), which writes
 * this very type, version and payload shape: change them together.
 */
export const taskSubscriptionNotifyEvent = defineEvent({
  type: 'task-subscription.notify',
  version: 1,
  payload: z.object({ subscriptionId: z.string().uuid() }).strict(),
});

export type TaskSubscriptionDb = Pick<
  PrismaClient,
  | 'taskSubscription'
  | 'taskSubscriptionEvent'
  | 'inboundTask'
  | 'integrationOutboxEvent'
  | 'room'
  | 'roomsAccessRecord'
  | '$executeRaw'
  | '$queryRaw'
  | '$transaction'
>;

export function renderStoredSubscription(s: TaskSubscription): Record<string, unknown> {
  return renderSubscription(s);
}

/** What a sealed header is bound to: it opens for this subscription only. */
function headerContext(subscriptionId: string): string {
  return `task-subscription-header:${subscriptionId}`;
}

/** The channel's header lines in clear, for the delivery job. Throws when one will not open (another KEK, altered). */
export function openSubscriptionHeaders(vault: PartnerKeyVault, s: Pick<TaskSubscription, 'id' | 'headers'>): string[] {
  return s.headers.map((sealed) => vault.open(sealed, headerContext(s.id)));
}

/**
 * Seals the headers that an earlier version stored in clear (before sealing,
 * every stored line began "Authorization:"). Run by the worker at start;
 * returns how many subscriptions it sealed.
 */
export async function sealClearSubscriptionHeaders(
  db: Pick<PrismaClient, 'taskSubscription' | '$queryRaw'>,
  vault: PartnerKeyVault,
): Promise<number> {
  // Only the rows still holding a line in clear (none, after the first start): every worker start runs this.
  const clear = await db.$queryRaw<Array<{ id: string; headers: string[] }>>`
    SELECT id, headers FROM integration.task_subscription
    WHERE EXISTS (SELECT 1 FROM unnest(headers) AS line WHERE line ILIKE 'authorization:%')`;
  let sealed = 0;
  for (const s of clear) {
    const headers = s.headers.map((line) =>
      /^authorization:/i.test(line) ? vault.seal(line, headerContext(s.id)) : line,
    );
    // Only if nobody changed them meanwhile (a second worker sealing the same row at the same start).
    const kept = await db.taskSubscription.updateMany({
      where: { id: s.id, headers: { equals: s.headers } },
      data: { headers },
    });
    sealed += kept.count;
  }
  return sealed;
}

export async function subscribe(
  db: TaskSubscriptionDb,
  vault: PartnerKeyVault,
  partner: ExchangePartner,
  body: unknown,
  now: Date,
): Promise<TaskSubscription> {
  const parsed = parseSubscription(body, partner);
  if (!parsed.ok) throw new FhirError('BAD_REQUEST', parsed.message, [parsed.expression]);
  const request = parsed.value;
  if (request.taskId) {
    const task = await db.inboundTask.findUnique({
      where: { id: request.taskId },
      select: { partnerId: true, roomId: true },
    });
    if (task?.partnerId !== partner.id) {
      await recordPartnerAccess(db, {
        partnerId: partner.id,
        roomId: task?.roomId ?? null,
        action: 'DENIED',
        what: `subscription.create#${partnerTarget(request.taskId)}`,
        outcome: 'NOT_FOUND',
      });
      throw new FhirError('BAD_REQUEST', 'the filter must name one of your Tasks', ['Subscription.criteria']);
    }
  }
  const id = randomUUID();
  return db.$transaction(async (tx) => {
    const created = await tx.taskSubscription.create({
      data: {
        id,
        partnerId: partner.id,
        status: 'REQUESTED',
        taskId: request.taskId,
        endpoint: request.endpoint,
        headers: request.headers.map((line) => vault.seal(line, headerContext(id))),
        payloadContent: request.payloadContent,
        reason: request.reason,
        createdAt: now,
        updatedAt: now,
      },
    });
    await appendIntegrationOutboxEvent(tx, taskSubscriptionNotifyEvent, { subscriptionId: created.id });
    return created;
  });
}

/** The partner's own subscription, or the one 404. */
export async function subscriptionForPartner(
  db: Pick<PrismaClient, 'taskSubscription'>,
  partnerId: string,
  id: string,
): Promise<TaskSubscription> {
  const target = partnerTarget(id);
  const found = target === 'malformed' ? null : await db.taskSubscription.findUnique({ where: { id: target } });
  if (!found || found.partnerId !== partnerId || found.status === 'OFF')
    throw new FhirError('NOT_FOUND', 'no such Subscription');
  return found;
}

/** DELETE: the subscription and its undelivered events go; a delivery job still queued finds nothing and ends. */
export async function unsubscribe(db: TaskSubscriptionDb, partnerId: string, id: string): Promise<void> {
  const own = await subscriptionForPartner(db, partnerId, id);
  await db.taskSubscription.deleteMany({ where: { id: own.id, partnerId } });
}
