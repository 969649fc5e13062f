// The adapters' own transactional outbox (integration schema; the mechanics
// are lib/outbox-table.ts): written in the transaction of the change it
// announces (e.g. an inbound Task stored). Payloads hold ids only.
import type { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/database';
import { appendEvent, outboxSource, type OutboxDelegate, type OutboxSource } from '../../lib/outbox-table';

export type IntegrationOutboxDb = Pick<PrismaClient, 'integrationOutboxEvent'>;

/** A partner's join Task was stored (Art. 20-2): rooms gets a join request. */
export const inboundTaskReceivedEvent = 'inbound-task.received';

export interface InboundTaskReceivedPayload {
  inboundTaskId: string;
}

export function appendIntegrationOutboxEvent(
  tx: Pick<Prisma.TransactionClient, 'integrationOutboxEvent'>,
  type: string,
  payload: InboundTaskReceivedPayload | Record<string, string>,
): Promise<string> {
  return appendEvent(tx.integrationOutboxEvent as unknown as OutboxDelegate, type, { ...payload });
}

/** The relay's view of the integration outbox. */
export function integrationOutbox(db: IntegrationOutboxDb): OutboxSource {
  return outboxSource('integration', db.integrationOutboxEvent as unknown as OutboxDelegate);
}
