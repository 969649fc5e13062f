// Task subscriptions after Redis lost its data (issue 17 part 3): every 15
// minutes, a subscription that owes its partner something (a handshake, or
// events numbered but not acknowledged) and has seen no delivery attempt for
// longer than the exchange's longest retry wait gets its delivery job again,
// through the integration outbox. A failing delivery touches the row at every
// attempt, so a quiet one has no job left. Subscriptions in `error` wait for
// the next change or a re-driven dead letter, as the contract says. Safe to
// run beside a live job: the delivery lease lets only one send.
import { z } from 'zod';
import { appendIntegrationOutboxEvent } from '../fhir/integration-outbox';
import { taskSubscriptionNotifyEvent } from '../fhir/subscriptions/subscription-service';
import { scheduledJob } from '../job-definition';

/** Longer than the longest exchange retry wait (30 min, adapters/backoff.ts). */
export const subscriptionQuietMs = 60 * 60_000;

export const taskSubscriptionRedrive = scheduledJob({
  queue: 'task-subscription-redrive',
  payload: z.object({}).strict(),
  every: 15 * 60_000,
  needs: ['inbound'],
  async process(_payload, job, deps) {
    const db = deps.inbound;
    const now = new Date();
    const quietSince = new Date(now.getTime() - subscriptionQuietMs);
    const owing = await db.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM integration.task_subscription
       WHERE status IN ('REQUESTED', 'ACTIVE')
         AND (status = 'REQUESTED' OR events_issued > delivered_up_to)
         AND updated_at < ${quietSince}
         AND (lease_until IS NULL OR lease_until < ${now})
       ORDER BY updated_at LIMIT 50`;
    for (const { id } of owing) {
      await db.$transaction(async (tx) => {
        // Touched, so the next run does not re-drive it again before the job has had its chance.
        await tx.taskSubscription.updateMany({
          where: { id, updatedAt: { lt: quietSince } },
          data: { updatedAt: now },
        });
        await appendIntegrationOutboxEvent(tx, taskSubscriptionNotifyEvent, { subscriptionId: id });
      });
    }
    if (owing.length > 0)
      deps.logger.warn(
        { jobId: job.id, subscriptions: owing.map((s) => s.id) },
        'task subscriptions re-driven: their jobs were lost',
      );
  },
});
