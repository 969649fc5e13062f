// Consent's transactional outbox (engineering note 4, 7): an event is written
// in the same transaction as the change it announces, so it exists exactly
// when the change committed. A relay (adapters/outbox-relay.ts) hands it to
// BullMQ with the event id as the job id and only then marks it relayed:
// a crash between the two re-adds it, and BullMQ drops the duplicate.
// Payloads hold ids only (Redis keeps them in clear text).
import { randomUUID } from 'node:crypto';
import type { ConsentOutboxEvent, Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';

export type OutboxDb = Pick<PrismaClient, 'consentOutboxEvent'>;

export const consentWithdrawnEvent = 'consent.withdrawn';
export const consentGrantedEvent = 'consent.granted';
export const legalExceptionRecordedEvent = 'legal-exception.recorded';
export const legalExceptionEndedEvent = 'legal-exception.ended';
/** The events after which a subject's sharing basis may have changed (rooms keeps a view of it). */
export const sharingChangedEvents = [consentGrantedEvent, consentWithdrawnEvent, legalExceptionRecordedEvent, legalExceptionEndedEvent] as const;

export interface ConsentWithdrawnPayload {
  subjectId: string;
  /** The WITHDRAWN entry of the consent history: one per withdrawal. */
  consentRecordId: string;
}

export interface ConsentGrantedPayload {
  subjectId: string;
  consentRecordId: string;
}

export interface LegalExceptionPayload {
  subjectId: string;
  exceptionId: string;
}

export interface OutboxEvent {
  id: string;
  type: string;
  payload: Prisma.JsonValue;
}

/** Inside the transaction of the change the event announces. */
export async function appendOutboxEvent(tx: Pick<Prisma.TransactionClient, 'consentOutboxEvent'>, type: string, payload: ConsentWithdrawnPayload | ConsentGrantedPayload | LegalExceptionPayload): Promise<string> {
  const id = randomUUID();
  await tx.consentOutboxEvent.create({ data: { id, type, payload: { ...payload } } });
  return id;
}

/** Events not yet relayed, oldest first, of the given types only (an unknown type never blocks the others). */
export async function pendingOutboxEvents(db: OutboxDb, limit: number, types: readonly string[]): Promise<OutboxEvent[]> {
  if (types.length === 0) return [];
  const rows: ConsentOutboxEvent[] = await db.consentOutboxEvent.findMany({
    where: { relayedAt: null, type: { in: [...types] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map(({ id, type, payload }) => ({ id, type, payload }));
}

export async function markRelayed(db: OutboxDb, ids: readonly string[], at: Date = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db.consentOutboxEvent.updateMany({ where: { id: { in: [...ids] }, relayedAt: null }, data: { relayedAt: at } });
}
