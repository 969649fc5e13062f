// Art. 19 exceptions, decided by the city. Writes take the access chain's
// lock first (as consent writes do), so the duplicate check and the end
// transition cannot race, and each write commits with its access record.
import { randomUUID } from 'node:crypto';
import { appError, conflict, notFound } from '../../../lib/graphql-errors';
import type { Operation } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import type { LegalException } from '../../../generated/prisma/client';
import type { ConsentDb } from '../context';
import { dateColumn } from '../domain/calendar';
import { duplicateProblem, endProblem, type LegalBasis } from '../domain/legal-exception-rules';
import { accessFacts, chainStore, lockChain } from './access-record-service';
import { announceCareChange, appendOutboxEvent } from './outbox';
import { legalExceptionEndedEvent, legalExceptionRecordedEvent } from '../events';
import { requireKnownSubject } from './known-subjects';

/**
 * The city decides exceptions (Art. 19); in this network the city's
 * deciders are the roles that decide rooms: SYSTEM_ADMIN, ADMIN_MANAGER
 * (the city's departments) and HOSPITAL_MANAGER (the core hospitals that
 * open rooms on the city's behalf). They record the decision, naming who
 * decided for the city. The same roles read the exceptions, whose reasons
 * can describe abuse; other users see only the resulting sharing basis.
 */
export const exceptionDeciders: Operation[] = ['room.decide'];

export interface LegalExceptionInput {
  subjectId: string;
  basis: LegalBasis;
  decidedBy: string;
  reason: string;
  reviewOn: string;
}

export async function recordLegalException(
  db: ConsentDb,
  actor: UserPrincipal,
  input: LegalExceptionInput,
  at: Date,
): Promise<LegalException> {
  await requireKnownSubject(db, input.subjectId);
  return db.$transaction(async (tx) => {
    await lockChain(tx);
    const active = await tx.legalException.findMany({ where: { subjectId: input.subjectId, endedAt: null } });
    const problem = duplicateProblem(input.basis, active);
    if (problem) throw conflict(problem);
    const exception = await tx.legalException.create({
      data: {
        id: randomUUID(),
        subjectId: input.subjectId,
        basis: input.basis,
        decidedBy: input.decidedBy,
        reason: input.reason,
        reviewOn: dateColumn(input.reviewOn),
        recordedBy: actor.userId,
        recordedAt: at,
      },
    });
    await appendAccessRecord(
      chainStore(tx),
      accessFacts(
        actor,
        { action: 'WRITE', what: 'recordLegalException', subjectId: input.subjectId, outcome: 'OK' },
        at,
      ),
    );
    await appendOutboxEvent(tx, legalExceptionRecordedEvent, { subjectId: input.subjectId, exceptionId: exception.id });
    await announceCareChange(tx, input.subjectId);
    return exception;
  });
}

export function endLegalException(db: ConsentDb, actor: UserPrincipal, id: string, at: Date): Promise<LegalException> {
  return db.$transaction(async (tx) => {
    await lockChain(tx);
    const exception = await tx.legalException.findUnique({ where: { id } });
    if (!exception)
      throw notFound({
        en: 'There is no such legal exception. Check the id.',
        ja: 'その法令による例外はありません。ID を確認してください。',
      });
    const problem = endProblem(exception);
    if (problem) throw appError('ILLEGAL_TRANSITION', problem);
    const ended = await tx.legalException.update({ where: { id }, data: { endedAt: at } });
    await appendAccessRecord(
      chainStore(tx),
      accessFacts(
        actor,
        { action: 'WRITE', what: 'endLegalException', subjectId: exception.subjectId, outcome: 'OK' },
        at,
      ),
    );
    await appendOutboxEvent(tx, legalExceptionEndedEvent, {
      subjectId: exception.subjectId,
      exceptionId: exception.id,
    });
    await announceCareChange(tx, exception.subjectId);
    return ended;
  });
}

/** The subject an exception is about, for the care check before ending it (null when there is no such exception). */
/** Exceptions in force whose review date is from `today` to `withinDays` days later, counted in one statement. */
export function countExceptionsDueForReview(
  db: Pick<ConsentDb, 'legalException'>,
  today: string,
  withinDays: number,
): Promise<number> {
  const from = new Date(`${today}T00:00:00Z`);
  const until = new Date(from.getTime() + withinDays * 86_400_000);
  return db.legalException.count({ where: { endedAt: null, reviewOn: { gte: from, lte: until } } });
}

export async function subjectOfException(db: Pick<ConsentDb, 'legalException'>, id: string): Promise<string | null> {
  const exception = await db.legalException.findUnique({ where: { id }, select: { subjectId: true } });
  return exception?.subjectId ?? null;
}
