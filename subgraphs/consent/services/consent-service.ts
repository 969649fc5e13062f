// Consent history per subject (Art. 19, Forms 6 and 7). Entries are
// appended, never changed. Every write runs in one transaction that first
// takes the access chain's lock, then checks the current status, appends
// the entry and its access record: two concurrent grants cannot both
// succeed, and an entry never commits without its access record (or the
// other way round). Read Committed is enough under the lock, and lets each
// statement see what the previous lock holder committed.
import { randomUUID } from 'node:crypto';
import { conflict } from '../../../lib/graphql-errors';
import type { Operation } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import type { ConsentRecord } from '../../../generated/prisma/client';
import type { ConsentDb } from '../context';
import { dateColumn } from '../domain/calendar';
import { normalizePurposes, type ConsentForm } from '../domain/consent-form-rules';
import { currentStatus, transitionProblem, type ConsentState } from '../domain/consent-rules';
import { accessFacts, chainStore, lockChain } from './access-record-service';
import { announceCareChange, appendOutboxEvent } from './outbox';
import { consentGrantedEvent, consentWithdrawnEvent } from '../events';
import { requireKnownSubject } from './known-subjects';

/**
 * A user explains (Form 6) and obtains consent (Form 7, Art. 19); managers
 * who open rooms check it. These roles may record or read consent, and only
 * for subjects they have a care relationship with (resolvers/access.ts).
 */
export const consentRecorders: Operation[] = ['room.submit', 'room.decide'];

export interface ConsentInput extends ConsentForm {
  subjectId: string;
  scanReference?: string | null;
}

type Details = Omit<
  Parameters<ConsentDb['consentRecord']['create']>[0]['data'],
  'id' | 'subjectId' | 'state' | 'recordedBy'
>;

async function appendConsent(
  db: ConsentDb,
  actor: UserPrincipal,
  subjectId: string,
  next: ConsentState,
  details: Details,
  what: string,
  at: Date,
): Promise<ConsentRecord> {
  return db.$transaction(async (tx) => {
    await lockChain(tx);
    const latest = await tx.consentRecord.findFirst({
      where: { subjectId },
      orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }],
    });
    const problem = transitionProblem(currentStatus(latest), next);
    if (problem) throw conflict(problem);
    const record = await tx.consentRecord.create({
      data: { id: randomUUID(), subjectId, state: next, recordedBy: actor.userId, recordedAt: at, ...details },
    });
    await appendAccessRecord(
      chainStore(tx),
      accessFacts(actor, { action: 'WRITE', what, subjectId, outcome: 'OK' }, at),
    );
    // Rooms must stop sharing on a withdrawal: the event commits with the entry, or neither does (outbox.ts).
    if (next === 'WITHDRAWN')
      await appendOutboxEvent(tx, consentWithdrawnEvent, { subjectId, consentRecordId: record.id });
    // Rooms keeps a view of whether the subject's data may be shared (rooms.subject_sharing).
    if (next === 'GRANTED') await appendOutboxEvent(tx, consentGrantedEvent, { subjectId, consentRecordId: record.id });
    await announceCareChange(tx, subjectId);
    return record;
  });
}

/** Form 7 signed after the Form 6 explanation given by the caller. */
export async function recordConsent(
  db: ConsentDb,
  actor: UserPrincipal,
  input: ConsentInput,
  at: Date,
): Promise<ConsentRecord> {
  const { explanation, signature } = input;
  await requireKnownSubject(db, input.subjectId);
  return appendConsent(
    db,
    actor,
    input.subjectId,
    'GRANTED',
    {
      explainedBy: actor.userId,
      explainedOn: dateColumn(explanation.explainedOn),
      signedBy: signature.signedBy,
      signerName: signature.signerName ?? null,
      relationship: signature.relationship ?? null,
      signedOn: dateColumn(signature.signedOn),
      purposes: normalizePurposes(input.purposes),
      scanReference: input.scanReference ?? null,
    },
    'recordConsent',
    at,
  );
}

/** Withdrawal: sharing on consent stops (sharing-rules.ts). */
export function withdrawConsent(
  db: ConsentDb,
  actor: UserPrincipal,
  subjectId: string,
  reason: string,
  at: Date,
): Promise<ConsentRecord> {
  return appendConsent(db, actor, subjectId, 'WITHDRAWN', { withdrawalReason: reason }, 'withdrawConsent', at);
}
