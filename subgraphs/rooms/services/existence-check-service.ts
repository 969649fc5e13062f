// Art. 18: "is there already a room for this person?" A USER asks, the
// question climbs to the system admin, the answer (yes/no and whom to ask)
// comes back down. Rooms holds only the question and its steps; matching
// the person against identity's subjects happens in identity
// (ExistenceCheck.matchingSubjects, through the gateway), never here.
//
// Every step moves the status conditionally on the one read (two managers
// passing at once: one wins, the other gets ILLEGAL_TRANSITION) and appends
// its step and a WRITE access record in the same transaction. Every refusal
// of the caller leaves a DENIED access record with what = 'existence-check'.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ExistenceCheck, Prisma } from '../../../generated/prisma/client';
import { requireSignedIn } from '../../../lib/access/guard';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appError, notFound } from '../../../lib/graphql-errors';
import { calendarDate, text, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import {
  decideCheckAction,
  existenceCheckStatuses,
  isKanaName,
  isPlausibleBirthDate,
  mayAsk,
  maySeeCheck,
  nextStatus,
  visibleChecks,
  type CheckAction,
  type ExistenceCheckStatus,
  checkHiddenMessage,
} from '../domain/existence-check-rules';
import type { Verdict } from '../domain/room-access';
import { recordAccess } from './access-records';
import { refuse } from './room-guard';
import { announceCareChange } from './outbox';
import { inputMessage } from '../../../lib/messages/input-issues';

const what = 'existence-check';

export const askInput = z.object({
  nameKana: text(100).refine(
    isKanaName,
    inputMessage({ en: 'Write it in hiragana or katakana.', ja: 'ひらがなまたはカタカナで入力してください。' }),
  ),
  birthDate: calendarDate.refine(
    (d) => isPlausibleBirthDate(d, new Date()),
    inputMessage({
      en: 'It must be a past date after 1900-01-01.',
      ja: '1900-01-01 より後の過去の日付にしてください。',
    }),
  ),
});
export const passInput = z.object({ id: uuid, note: text(1000).nullish() });
export const answerInput = z
  .object({ id: uuid, roomExists: z.boolean(), contact: text(200).nullish() })
  .refine((input) => !input.roomExists || !!input.contact, {
    message: inputMessage({
      en: 'Say whom to ask when a room exists.',
      ja: '部屋がある場合は、問い合わせ先を入力してください。',
    }),
    path: ['contact'],
  });
export const listInput = z.object({ status: z.enum(existenceCheckStatuses).nullish() });

const denied = (ctx: RoomsContext, user: UserPrincipal, verdict: Extract<Verdict, { allowed: false }>) =>
  refuse(ctx, user, null, what, verdict);

export async function askRoomExists(ctx: RoomsContext, input: z.infer<typeof askInput>): Promise<ExistenceCheck> {
  const user = requireSignedIn(ctx.principal);
  if (!mayAsk(user))
    throw await denied(ctx, user, {
      allowed: false,
      code: 'FORBIDDEN',
      message: {
        en: 'Only a user asks whether a room exists (Art. 18).',
        ja: '部屋の有無を確認できるのは利用者だけです（第18条）。',
      },
    });
  return ctx.db.$transaction(async (tx) => {
    const check = await tx.existenceCheck.create({
      data: {
        id: randomUUID(),
        requestedBy: user.userId,
        facilityId: user.facilityId,
        nameKana: input.nameKana,
        birthDate: new Date(`${input.birthDate}T00:00:00Z`),
      },
    });
    await tx.existenceCheckStep.create({
      data: { id: randomUUID(), checkId: check.id, status: check.status, actorId: user.userId, actorRole: user.role },
    });
    await recordAccess(tx, {
      actor: user,
      room: { id: null, subjectId: null },
      action: 'WRITE',
      what: `${what}.ask`,
      outcome: 'SUCCESS',
    });
    await announceCareChange(tx, { existenceCheckId: check.id });
    return check;
  });
}

async function findCheck(ctx: RoomsContext, id: string): Promise<ExistenceCheck> {
  const check = await ctx.db.existenceCheck.findUnique({ where: { id } });
  if (!check)
    throw notFound({
      en: 'There is no such existence check. Check the id.',
      ja: 'その部屋の有無の確認はありません。ID を確認してください。',
    });
  return check;
}

/** The check, if the caller may see it; FORBIDDEN (recorded) otherwise. */
export async function getExistenceCheck(ctx: RoomsContext, id: string): Promise<ExistenceCheck> {
  const user = requireSignedIn(ctx.principal);
  const check = await findCheck(ctx, id);
  if (!maySeeCheck(user, check))
    throw await denied(ctx, user, {
      allowed: false,
      code: 'FORBIDDEN',
      message: checkHiddenMessage,
    });
  return check;
}

async function step(
  ctx: RoomsContext,
  id: string,
  action: CheckAction,
  data: Prisma.ExistenceCheckUpdateManyMutationInput,
  note: string | null,
): Promise<ExistenceCheck> {
  const user = requireSignedIn(ctx.principal);
  const check = await findCheck(ctx, id);
  const verdict = decideCheckAction(user, check, action);
  if (!verdict.allowed) {
    if (verdict.code === 'FORBIDDEN') throw await denied(ctx, user, verdict);
    throw appError(verdict.code, verdict.message);
  }
  const status: ExistenceCheckStatus = nextStatus(check.status);
  return ctx.db.$transaction(async (tx) => {
    const moved = await tx.existenceCheck.updateMany({
      where: { id, status: check.status },
      data: { ...data, status },
    });
    if (moved.count === 0)
      throw appError('ILLEGAL_TRANSITION', {
        en: 'The check has moved on meanwhile. Reload it.',
        ja: 'その間に確認が先に進みました。読み込み直してください。',
      });
    await tx.existenceCheckStep.create({
      data: { id: randomUUID(), checkId: id, status, actorId: user.userId, actorRole: user.role, note },
    });
    await recordAccess(tx, {
      actor: user,
      room: { id: null, subjectId: null },
      action: 'WRITE',
      what: `${what}.${action}`,
      outcome: 'SUCCESS',
    });
    // The check reaching deciders, or its answer, changes who is related to the subjects it names.
    await announceCareChange(tx, { existenceCheckId: id });
    return tx.existenceCheck.findUniqueOrThrow({ where: { id } });
  });
}

export function passExistenceCheck(ctx: RoomsContext, input: z.infer<typeof passInput>): Promise<ExistenceCheck> {
  return step(ctx, input.id, 'pass', {}, input.note ?? null);
}

export function answerExistenceCheck(ctx: RoomsContext, input: z.infer<typeof answerInput>): Promise<ExistenceCheck> {
  return step(
    ctx,
    input.id,
    'answer',
    { roomExists: input.roomExists, contact: input.contact ?? null, answeredAt: new Date() },
    null,
  );
}

/** The checks the caller may see, newest first (at most 200). */
export function listExistenceChecks(ctx: RoomsContext, input: z.infer<typeof listInput>): Promise<ExistenceCheck[]> {
  const where = matchingChecks(requireSignedIn(ctx.principal), input);
  return ctx.db.existenceCheck.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 });
}

/** How many checks the caller may see are in the status: one COUNT (a count reveals no subject, so no access record). */
export function countExistenceChecks(ctx: RoomsContext, input: z.infer<typeof listInput>): Promise<number> {
  return ctx.db.existenceCheck.count({ where: matchingChecks(requireSignedIn(ctx.principal), input) });
}

function matchingChecks(user: UserPrincipal, input: z.infer<typeof listInput>): Prisma.ExistenceCheckWhereInput {
  const scope = visibleChecks(user);
  const visible: Prisma.ExistenceCheckWhereInput =
    scope.kind === 'all'
      ? {}
      : scope.kind === 'statuses'
        ? { status: { in: scope.statuses } }
        : scope.kind === 'facility'
          ? { facilityId: scope.facilityId }
          : { requestedBy: scope.userId };
  return input.status ? { AND: [visible, { status: input.status }] } : visible;
}

export function stepsOf(ctx: RoomsContext, checkId: string) {
  return ctx.db.existenceCheckStep.findMany({ where: { checkId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
}
