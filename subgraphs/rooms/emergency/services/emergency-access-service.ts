// Break-glass emergency access (MHLW safety guideline 6.0: emergency accounts
// unusable in normal times, every use detected and audited). The rules are
// in ../domain/emergency-access-rules.ts; here the system admin declares,
// ends and reviews, and every step is a record in rooms' access chain
// carrying the access's id.
//
// The alert is raised in the declaration itself: a RoomNotice on each of the
// subject's rooms (their managers and every system admin read them) in the
// same transaction, the access listed in `emergencyAccesses` for every
// system admin, and, once committed, a warning log line with the stable
// event name `emergency_access.declared` and ids only (never the
// justification: free text may name people), and the metric
// renkei_emergency_access_declared_total counted by coded reason (lib/metrics;
// the alert rule in deploy/prometheus/alerts.yml fires on it).
//
// Nothing runs when the window closes: `endsAt`, read with the context's
// clock (`ctx.now`), decides every read (context.ts emergencyGrantOf).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma } from '../../../../generated/prisma/client';
import { requireSignedIn } from '../../../../lib/access/guard';
import type { UserPrincipal } from '../../../../lib/access/principal';
import { appError, badUserInput, notFound } from '../../../../lib/graphql-errors';
import { text, uuid } from '../../../../lib/input';
import { inputMessage } from '../../../../lib/messages/input-issues';
import { aboutField } from '../../../../lib/messages/message';
import type { RoomsContext } from '../../context';
import type { Verdict } from '../../domain/room-access';
import { recordAccess } from '../../services/access-records';
import { announceCareChange } from '../../services/outbox';
import { refuse } from '../../services/room-guard';
import {
  decideAdministration,
  decideEnd,
  decideReview,
  emergencyAccessDeclaredEvent,
  emergencyReasons,
  maxEmergencyHours,
  maxFindingsLength,
  maxGrantees,
  maxJustificationLength,
  minEmergencyHours,
  windowEnd,
  type EmergencyAccessStatus,
} from '../domain/emergency-access-rules';
import type { EmergencyAccessParent } from '../../resolvers/parents';

export const declareInput = z.object({
  subjectId: uuid,
  reason: z.enum(emergencyReasons, {
    errorMap: () => ({
      message: inputMessage({
        en: `It must be one of the coded reasons: ${emergencyReasons.join(', ')}.`,
        ja: `定められた理由（${emergencyReasons.join('、')}）のいずれかにしてください。`,
      }),
    }),
  }),
  justification: text(maxJustificationLength),
  granteeIds: z
    .array(uuid)
    .min(1, inputMessage({ en: 'Name at least one person.', ja: '1人以上指定してください。' }))
    .max(
      maxGrantees,
      inputMessage({ en: `Name at most ${maxGrantees} people.`, ja: `${maxGrantees}人以内で指定してください。` }),
    ),
  hours: z
    .number()
    .int(inputMessage({ en: 'It must be a whole number of hours.', ja: '時間は整数にしてください。' }))
    .min(
      minEmergencyHours,
      inputMessage({
        en: `It must be at least ${minEmergencyHours} hour.`,
        ja: `${minEmergencyHours}時間以上にしてください。`,
      }),
    )
    .max(
      maxEmergencyHours,
      inputMessage({
        en: `It must be at most ${maxEmergencyHours} hours.`,
        ja: `${maxEmergencyHours}時間以内にしてください。`,
      }),
    ),
});
export const reviewInput = z.object({ id: uuid, findings: text(maxFindingsLength) });
export const listInput = z.object({ openReviewsOnly: z.boolean().nullish() });
export const countInput = z.object({ status: z.enum(['ACTIVE', 'REVIEW_DUE', 'REVIEWED']).nullish() });

/** No personal data: the managers open emergencyAccesses (system admin) or ask the city for the declaration. */
const declaredNotice =
  'The system administrator declared an emergency access (break-glass) to this subject: named people may read this room until it ends. Every read is recorded and reviewed.';

const withGrantees = { grantees: { orderBy: { userId: 'asc' } } } satisfies Prisma.EmergencyAccessInclude;

/** The system admin or a FORBIDDEN refusal, recorded in rooms' chain like every refusal. */
async function requireAdministrator(ctx: RoomsContext, what: string, subjectId: string | null): Promise<UserPrincipal> {
  const user = requireSignedIn(ctx.principal);
  const verdict = decideAdministration(user);
  if (!verdict.allowed) throw await refuse(ctx, user, { id: null, subjectId }, what, verdict);
  return user;
}

async function findAccess(ctx: RoomsContext, id: string): Promise<EmergencyAccessParent> {
  const access = await ctx.db.emergencyAccess.findUnique({ where: { id }, include: withGrantees });
  if (!access)
    throw notFound({
      en: 'There is no such emergency access. Check the id.',
      ja: 'その緊急アクセスはありません。ID を確認してください。',
    });
  return access;
}

/** Throws a refused step (already ended, still in force, already reviewed) after recording it, as rooms records every refusal. */
async function allowOrRefuse(
  ctx: RoomsContext,
  user: UserPrincipal,
  access: EmergencyAccessParent,
  what: string,
  verdict: Verdict,
): Promise<void> {
  if (!verdict.allowed) throw await refuse(ctx, user, { id: null, subjectId: access.subjectId }, what, verdict);
}

export async function declareEmergencyAccess(
  ctx: RoomsContext,
  input: z.infer<typeof declareInput>,
): Promise<EmergencyAccessParent> {
  const user = await requireAdministrator(ctx, 'emergency-access.declare', input.subjectId);
  const granteeIds = [...new Set(input.granteeIds.map((id) => id.toLowerCase()))];
  const active = await ctx.db.directoryUser.findMany({
    where: { userId: { in: granteeIds }, active: true },
    select: { userId: true },
  });
  if (active.length !== granteeIds.length)
    throw badUserInput(
      aboutField('input.granteeIds', {
        en: 'Each person named must be an active user of the network (not suspended, retired or deleted). Check the ids.',
        ja: '指定する人はネットワークの有効な利用者（停止・退職・削除されていない）でなければなりません。ID を確認してください。',
      }),
      'input.granteeIds',
    );
  const rooms = await ctx.db.room.findMany({ where: { subjectId: input.subjectId }, orderBy: { id: 'asc' } });
  if (rooms.length === 0)
    throw notFound({
      en: 'No room is held for that subject, so there is nothing to open. Check the subject id.',
      ja: 'その対象者の部屋はないため、開くものがありません。対象者の ID を確認してください。',
    });
  const declaredAt = ctx.now();
  const id = randomUUID();
  const declared = await ctx.db.$transaction(async (tx) => {
    const created = await tx.emergencyAccess.create({
      data: {
        id,
        subjectId: input.subjectId,
        reason: input.reason,
        justification: input.justification,
        declaredBy: user.userId,
        declaredAt,
        endsAt: windowEnd(declaredAt, input.hours),
        grantees: { create: granteeIds.map((userId) => ({ userId })) },
      },
      include: withGrantees,
    });
    // The grantees may read the subject's own record too (whose room it is): its care relationships are recomputed.
    await announceCareChange(tx, { subjectId: input.subjectId });
    await tx.roomNotice.createMany({
      data: rooms.map((room) => ({
        id: randomUUID(),
        roomId: room.id,
        kind: 'EMERGENCY_ACCESS',
        message: declaredNotice,
        causeId: `emergency-access:${id}:${room.id}`,
        createdAt: declaredAt,
      })),
    });
    await recordAccess(tx, {
      actor: user,
      room: { id: null, subjectId: input.subjectId },
      action: 'WRITE',
      what: 'emergency-access.declare',
      outcome: 'SUCCESS',
      emergencyAccessId: id,
    });
    return created;
  });
  ctx.logger?.warn(
    {
      event: emergencyAccessDeclaredEvent,
      emergencyAccessId: id,
      subjectId: input.subjectId,
      declaredBy: user.userId,
      granteeIds,
      reason: input.reason,
      endsAt: declared.endsAt.toISOString(),
      rooms: rooms.length,
    },
    'emergency access declared (break-glass)',
  );
  ctx.metrics?.emergencyAccessDeclared.inc({ reason: input.reason });
  return declared;
}

export async function endEmergencyAccess(ctx: RoomsContext, id: string): Promise<EmergencyAccessParent> {
  const user = await requireAdministrator(ctx, 'emergency-access.end', null);
  const access = await findAccess(ctx, id);
  const now = ctx.now();
  await allowOrRefuse(ctx, user, access, 'emergency-access.end', decideEnd(user, access, now));
  return ctx.db.$transaction(async (tx) => {
    // Conditional: a concurrent end, or the window closing meanwhile, wins cleanly.
    const changed = await tx.emergencyAccess.updateMany({
      where: { id, endedAt: null, endsAt: { gt: now } },
      data: { endedAt: now, endedBy: user.userId },
    });
    if (changed.count === 0)
      throw appError('ILLEGAL_TRANSITION', {
        en: 'The emergency access has already ended.',
        ja: 'この緊急アクセスはすでに終了しています。',
      });
    // Ended early: the grantees' reading relationship ends now rather than at the window's close.
    await announceCareChange(tx, { subjectId: access.subjectId });
    await recordAccess(tx, {
      actor: user,
      room: { id: null, subjectId: access.subjectId },
      action: 'WRITE',
      what: 'emergency-access.end',
      outcome: 'SUCCESS',
      emergencyAccessId: id,
    });
    return tx.emergencyAccess.findUniqueOrThrow({ where: { id }, include: withGrantees });
  });
}

export async function recordEmergencyAccessReview(
  ctx: RoomsContext,
  input: z.infer<typeof reviewInput>,
): Promise<EmergencyAccessParent> {
  const user = await requireAdministrator(ctx, 'emergency-access.review', null);
  const access = await findAccess(ctx, input.id);
  const now = ctx.now();
  await allowOrRefuse(ctx, user, access, 'emergency-access.review', decideReview(user, access, now));
  return ctx.db.$transaction(async (tx) => {
    const changed = await tx.emergencyAccess.updateMany({
      where: { id: input.id, reviewedAt: null },
      data: { reviewedAt: now, reviewedBy: user.userId, findings: input.findings },
    });
    if (changed.count === 0)
      throw appError('ILLEGAL_TRANSITION', {
        en: 'The emergency access has already been reviewed.',
        ja: 'この緊急アクセスはすでに事後確認されています。',
      });
    await recordAccess(tx, {
      actor: user,
      room: { id: null, subjectId: access.subjectId },
      action: 'WRITE',
      what: 'emergency-access.review',
      outcome: 'SUCCESS',
      emergencyAccessId: input.id,
    });
    return tx.emergencyAccess.findUniqueOrThrow({ where: { id: input.id }, include: withGrantees });
  });
}

/** The rows in each status at `now` (domain/emergency-access-rules.ts statusAt, as a query). */
function inStatus(status: EmergencyAccessStatus, now: Date): Prisma.EmergencyAccessWhereInput {
  switch (status) {
    case 'ACTIVE':
      return { declaredAt: { lte: now }, endsAt: { gt: now }, endedAt: null };
    case 'REVIEW_DUE':
      return { reviewedAt: null, OR: [{ endedAt: { not: null } }, { endsAt: { lte: now } }] };
    case 'REVIEWED':
      return { reviewedAt: { not: null } };
  }
}

/** For the inbox: how many are in force, or wait for their review (system admins). */
export async function countEmergencyAccesses(ctx: RoomsContext, input: z.infer<typeof countInput>): Promise<number> {
  await requireAdministrator(ctx, 'emergency-access.count', null);
  return ctx.db.emergencyAccess.count({ where: input.status ? inStatus(input.status, ctx.now()) : {} });
}

/** For the metrics (renkei_emergency_accesses_active, read at scrape time): how many are in force at `now`. */
export function countActiveEmergencyAccesses(
  db: Pick<RoomsContext['db'], 'emergencyAccess'>,
  now: Date,
): Promise<number> {
  return db.emergencyAccess.count({ where: inStatus('ACTIVE', now) });
}

/** For system admins: newest first, at most 200; `openReviewsOnly`: ended and not reviewed. */
export async function listEmergencyAccesses(
  ctx: RoomsContext,
  input: z.infer<typeof listInput>,
): Promise<EmergencyAccessParent[]> {
  await requireAdministrator(ctx, 'emergency-access.list', null);
  const now = ctx.now();
  const where: Prisma.EmergencyAccessWhereInput = input.openReviewsOnly ? inStatus('REVIEW_DUE', now) : {};
  return ctx.db.emergencyAccess.findMany({
    where,
    include: withGrantees,
    orderBy: [{ declaredAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
}

export async function getEmergencyAccess(ctx: RoomsContext, id: string): Promise<EmergencyAccessParent> {
  await requireAdministrator(ctx, 'emergency-access', null);
  return findAccess(ctx, id);
}

/** The caller's own grants in force: how a grantee finds the rooms it may read. */
export function myEmergencyAccesses(ctx: RoomsContext): Promise<EmergencyAccessParent[]> {
  const user = requireSignedIn(ctx.principal);
  const now = ctx.now();
  return ctx.db.emergencyAccess.findMany({
    where: { grantees: { some: { userId: user.userId } }, ...inStatus('ACTIVE', now) },
    include: withGrantees,
    orderBy: [{ declaredAt: 'desc' }, { id: 'desc' }],
  });
}
