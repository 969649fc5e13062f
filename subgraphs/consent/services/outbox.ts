// Consent's transactional outbox (engineering note 4, 7; the mechanics are
// lib/outbox-table.ts): its events and their payloads, ids only.
import type { Prisma } from '../../../generated/prisma/client';
import type { PrismaClient } from '../../../lib/database';
import { careChangedEvent, type CareChangedPayload } from '../../../lib/access/care-relationship';
import { appendEvent, outboxSource, type OutboxDelegate, type OutboxSource } from '../../../lib/outbox-table';

export type OutboxDb = Pick<PrismaClient, 'consentOutboxEvent'>;

export const consentWithdrawnEvent = 'consent.withdrawn';
export const consentGrantedEvent = 'consent.granted';
export const legalExceptionRecordedEvent = 'legal-exception.recorded';
export const legalExceptionEndedEvent = 'legal-exception.ended';
/** The events after which a subject's sharing basis may have changed (rooms keeps a view of it). */
export const sharingChangedEvents = [
  consentGrantedEvent,
  consentWithdrawnEvent,
  legalExceptionRecordedEvent,
  legalExceptionEndedEvent,
] as const;

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

/** Inside the transaction of the change the event announces. */
export function appendOutboxEvent(
  tx: Pick<Prisma.TransactionClient, 'consentOutboxEvent'>,
  type: string,
  payload: ConsentWithdrawnPayload | ConsentGrantedPayload | LegalExceptionPayload,
): Promise<string> {
  return appendEvent(tx.consentOutboxEvent as unknown as OutboxDelegate, type, { ...payload });
}

/** Every consent write relates its recorder to the subject (a step towards a room, lib/access/care-relationship.ts). */
export function announceCareChange(
  tx: Pick<Prisma.TransactionClient, 'consentOutboxEvent'>,
  subjectId: string,
): Promise<string> {
  const payload: CareChangedPayload = { subjectId };
  return appendEvent(tx.consentOutboxEvent as unknown as OutboxDelegate, careChangedEvent, payload);
}

/** The relay's view of consent's outbox. */
export function consentOutbox(db: OutboxDb): OutboxSource {
  // Prisma's delegate is wider than the structural interface lib/outbox-table needs.
  return outboxSource('consent', db.consentOutboxEvent as unknown as OutboxDelegate);
}
