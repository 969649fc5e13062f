// The adapters' own transactional outbox (integration schema; the mechanics
// are lib/outbox-table.ts): written in the transaction of the change it
// announces (e.g. an inbound Task stored). Its one event is defined here, by
// its owner; the payload is checked against it before it is written. Ids only.
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/database';
import { defineEvent, type EventDefinition } from '../../lib/events/define-event';
import { appendEvent, outboxSource, type OutboxDelegate, type OutboxSource } from '../../lib/outbox-table';

export type IntegrationOutboxDb = Pick<PrismaClient, 'integrationOutboxEvent'>;

/** A partner's join Task was stored (Art. 20-2): rooms gets a join request. */
export const inboundTaskReceivedEvent = defineEvent({
  type: 'inbound-task.received',
  version: 1,
  payload: z.object({ inboundTaskId: z.string().uuid() }).strict(),
});

export function appendIntegrationOutboxEvent<Payload>(
  tx: Pick<Prisma.TransactionClient, 'integrationOutboxEvent'>,
  event: EventDefinition<string, Payload>,
  payload: NoInfer<Payload>,
): Promise<string> {
  return appendEvent(tx.integrationOutboxEvent as unknown as OutboxDelegate, event, payload);
}

/** The relay's view of the integration outbox. */
export function integrationOutbox(db: IntegrationOutboxDb): OutboxSource {
  return outboxSource('integration', db.integrationOutboxEvent as unknown as OutboxDelegate);
}
