// The adapters' own transactional outbox (integration schema), the same
// design as consent's and rooms': written in the transaction of the change it
// announces (e.g. an inbound Task stored), relayed to BullMQ with the event id
// as the job id. Payloads hold ids only.
import { randomUUID } from 'node:crypto';
import type { IntegrationOutboxEvent, Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/database';

export type IntegrationOutboxDb = Pick<PrismaClient, 'integrationOutboxEvent'>;

/** A partner's join Task was stored (Art. 20-2): rooms gets a join request. */
export const inboundTaskReceivedEvent = 'inbound-task.received';

export interface InboundTaskReceivedPayload {
  inboundTaskId: string;
}

export interface IntegrationOutboxEventView {
  id: string;
  type: string;
  payload: Prisma.JsonValue;
}

export async function appendIntegrationOutboxEvent(tx: Pick<Prisma.TransactionClient, 'integrationOutboxEvent'>, type: string, payload: InboundTaskReceivedPayload | Record<string, string>): Promise<string> {
  const id = randomUUID();
  await tx.integrationOutboxEvent.create({ data: { id, type, payload: { ...payload } } });
  return id;
}

export async function pendingIntegrationOutboxEvents(db: IntegrationOutboxDb, limit: number, types: readonly string[]): Promise<IntegrationOutboxEventView[]> {
  if (types.length === 0) return [];
  const rows: IntegrationOutboxEvent[] = await db.integrationOutboxEvent.findMany({
    where: { relayedAt: null, type: { in: [...types] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map(({ id, type, payload }) => ({ id, type, payload }));
}

export async function markIntegrationOutboxRelayed(db: IntegrationOutboxDb, ids: readonly string[], at: Date = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db.integrationOutboxEvent.updateMany({ where: { id: { in: [...ids] }, relayedAt: null }, data: { relayedAt: at } });
}
