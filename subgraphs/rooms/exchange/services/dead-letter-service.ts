// The exchange's dead letters: a job that failed its last attempt (partner
// down for hours, answering 5xx or invalid FHIR) is recorded here by the
// worker (adapters/dead-letter.ts) with ids and an error summary only, so no
// request is lost silently. The system admin sees them in the graph and
// re-drives one with retryDeadLetter: the letter is marked retried and, in
// the same transaction, the job's event is written to rooms' outbox again,
// so the relay hands it to BullMQ under a new job id (the processors are
// idempotent and re-read the request, so a retry is always safe).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ExchangeDeadLetter, Prisma } from '../../../../generated/prisma/client';
import { requireSignedIn } from '../../../../lib/access/guard';
import { can } from '../../../../lib/access/permissions';
import type { PrismaClient } from '../../../../lib/database';
import { appError, notFound } from '../../../../lib/graphql-errors';
import type { RoomsContext } from '../../context';
import { recordAccess, recordAccessAlone } from '../../services/access-records';
import { appendRoomsOutboxEventAgain } from '../../services/outbox';
import { refusalMessage } from '../../../../lib/access/refusals';

const alreadyRetried = {
  en: 'This dead letter was already retried.',
  ja: 'この配送不能メッセージはすでに再送されています。',
};

export type DeadLetterDb = Pick<PrismaClient, 'exchangeDeadLetter'>;

export const listInput = z.object({
  includeRetried: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});

export interface DeadLetterFacts {
  queue: string;
  jobId: string;
  /** The outbox event type the job was added under (what a retry writes again). */
  jobName: string;
  /** Ids only: the job's payload, checked by its schema before it ran. */
  payload: Prisma.InputJsonValue;
  attempts: number;
  /** A stable code (HTTP_503, TIMEOUT, INVALID_FHIR, ...) and a summary without personal data. */
  errorCode: string;
  errorSummary: string;
}

/** Idempotent: one letter per job (BullMQ may report a failure twice after a stall). */
export async function recordDeadLetter(db: DeadLetterDb, facts: DeadLetterFacts): Promise<void> {
  await db.exchangeDeadLetter.createMany({
    data: [{ id: randomUUID(), ...facts, errorSummary: facts.errorSummary.slice(0, 500) }],
    skipDuplicates: true,
  });
}

/** Dead letters not yet re-driven, for the metrics (renkei_dead_letters_waiting, read at scrape time): one COUNT. */
export function countWaitingDeadLetters(db: DeadLetterDb): Promise<number> {
  return db.exchangeDeadLetter.count({ where: { retriedAt: null } });
}

async function requireOperator(ctx: RoomsContext, what: string) {
  const user = requireSignedIn(ctx.principal);
  if (!can(user, 'exchange.deadLetters')) {
    await recordAccessAlone(ctx.db, {
      actor: user,
      room: { id: null, subjectId: null },
      action: 'DENIED',
      what,
      outcome: 'FORBIDDEN',
    });
    throw appError('FORBIDDEN', refusalMessage(user.role, ['exchange.deadLetters']));
  }
  return user;
}

export async function listDeadLetters(
  ctx: RoomsContext,
  input: z.infer<typeof listInput>,
): Promise<ExchangeDeadLetter[]> {
  await requireOperator(ctx, 'dead-letters');
  return ctx.db.exchangeDeadLetter.findMany({
    where: input.includeRetried ? {} : { retriedAt: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
}

/** How many dead letters there are: one COUNT. The system admin's, as the list is. */
export async function countDeadLetters(ctx: RoomsContext, input: z.infer<typeof listInput>): Promise<number> {
  await requireOperator(ctx, 'dead-letters');
  return ctx.db.exchangeDeadLetter.count({ where: input.includeRetried ? {} : { retriedAt: null } });
}

export async function retryDeadLetter(ctx: RoomsContext, id: string): Promise<ExchangeDeadLetter> {
  const user = await requireOperator(ctx, `dead-letter:${id}`);
  const letter = await ctx.db.exchangeDeadLetter.findUnique({ where: { id } });
  if (!letter)
    throw notFound({
      en: 'There is no such dead letter. Check the id.',
      ja: 'その配送不能メッセージはありません。ID を確認してください。',
    });
  if (letter.retriedAt) throw appError('ILLEGAL_TRANSITION', alreadyRetried);
  return ctx.db.$transaction(async (tx) => {
    // Every exchange event is at version 1; a letter records no version, so a version 2 must add it here.
    const retryEventId = await appendRoomsOutboxEventAgain(tx, {
      type: letter.jobName,
      version: 1,
      payload: letter.payload as Prisma.InputJsonValue,
    });
    // Conditional: two admins retrying at once re-drive the job once.
    const moved = await tx.exchangeDeadLetter.updateMany({
      where: { id, retriedAt: null },
      data: { retriedAt: new Date(), retriedBy: user.userId, retryEventId },
    });
    if (moved.count !== 1) throw appError('ILLEGAL_TRANSITION', alreadyRetried);
    await recordAccess(tx, {
      actor: user,
      room: { id: null, subjectId: null },
      action: 'WRITE',
      what: `dead-letter:${id}`,
      outcome: 'SUCCESS',
    });
    return tx.exchangeDeadLetter.findUniqueOrThrow({ where: { id } });
  });
}
