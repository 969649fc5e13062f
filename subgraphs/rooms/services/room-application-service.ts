// Forms 8-10 (open a room, change its members, close it) through the one
// application workflow (lib/workflow/application-workflow.ts): a USER
// submits, the facility manager of the application's facility confirms
// (forwards), a system/admin/hospital manager approves or rejects; the
// submitter may withdraw before a decision. Approval applies the form in
// the same transaction (so a refused apply leaves the application as it
// was). Every step, and every refused step, is in rooms' access records
// (what = 'room-application').
//
// Paper forms (openRoom / addRoomMember / removeRoomMember / closeRoom) go
// through the same apply step: see paper-room-forms.ts.
import { randomUUID } from 'node:crypto';
import { type GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Prisma, RoomApplication, RoomApplicationStep } from '../../../generated/prisma/client';
import { requireSignedIn } from '../../../lib/access/guard';
import { can } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appError, conflict, notFound } from '../../../lib/graphql-errors';
import { text, uuid } from '../../../lib/input';
import { maySubmit, type ApplicationAction } from '../../../lib/workflow/application-workflow';
import { decideFormStep, formTransition, stepRow, takeApplicationStep } from '../../../lib/workflow/application-step';
import type { RoomsContext, RoomsTx } from '../context';
import { closeReasons, encodeClosure, roomStatusNames } from '../domain/room-access';
import { recordAccess, recordAccessAlone } from './access-records';
import { refuse } from './room-guard';
import { sharingAllowed } from '../domain/sharing-rules';
import { notActiveUsers, subjectKnown } from './directory-view';
import { rejectPendingOnClose } from '../exchange/services/inbound-join-service';
import { announceCareChange } from './outbox';
import { inputMessage } from '../../../lib/messages/input-issues';
import type { Message } from '../../../lib/messages/message';
import { refusalMessage } from '../../../lib/access/refusals';

/** Art. 9: one room per subject that is not closed. */
export const oneRoomPerSubject: Message = {
  en: 'This subject already has a room that is not closed. Use that room, or close it first (Form 10).',
  ja: 'この対象者には閉鎖されていない部屋がすでにあります。その部屋を使うか、先に閉鎖してください（様式10）。',
};
const roomClosed: Message = { en: 'The room is closed.', ja: 'この部屋は閉鎖されています。' };
const alreadyMember: Message = {
  en: 'A user to add is already a member of this room. Leave them out.',
  ja: '追加する利用者がすでにこの部屋のメンバーです。外してください。',
};
const notMember: Message = {
  en: 'A user to remove is not a member of this room. Leave them out.',
  ja: '削除する利用者はこの部屋のメンバーではありません。外してください。',
};

const ids = (max: number) =>
  z
    .array(uuid)
    .max(max, inputMessage({ en: `Give at most ${max}.`, ja: `${max}件以内にしてください。` }))
    .transform((list) => [...new Set(list)]);

export const submitOpeningInput = z.object({
  subjectId: uuid,
  title: text(200),
  memberIds: ids(50).refine(
    (list) => list.length > 0,
    inputMessage({ en: 'Name at least one member.', ja: 'メンバーを1人以上指定してください。' }),
  ),
});
export const submitMemberChangeInput = z
  .object({
    roomId: uuid,
    add: ids(50)
      .nullish()
      .transform((v) => v ?? []),
    remove: ids(50)
      .nullish()
      .transform((v) => v ?? []),
  })
  .refine((input) => input.add.length + input.remove.length > 0, {
    message: inputMessage({
      en: 'Add or remove at least one member.',
      ja: '追加または削除するメンバーを1人以上指定してください。',
    }),
    path: ['add'],
  })
  .refine((input) => !input.add.some((id) => input.remove.includes(id)), {
    message: inputMessage({
      en: 'A user cannot be both added and removed.',
      ja: '同じ利用者を追加と削除の両方に指定することはできません。',
    }),
    path: ['remove'],
  });
export const submitClosureInput = z
  .object({ roomId: uuid, reason: z.enum(closeReasons), note: text(1000).nullish() })
  .refine((input) => input.reason !== 'OTHER' || !!input.note, {
    message: inputMessage({
      en: 'Say why when the reason is OTHER.',
      ja: '理由が OTHER の場合は内容を入力してください。',
    }),
    path: ['note'],
  });
export const rejectInput = z.object({ id: uuid, reason: text(1000) });
export const listApplicationsInput = z.object({
  status: z.enum(['SUBMITTED', 'FORWARDED', 'APPROVED', 'REJECTED', 'APPLIED', 'WITHDRAWN']).nullish(),
});

interface OpeningContent {
  title: string;
  memberIds: string[];
}
/** Set when a deciding manager recorded the form from paper (paper-room-forms.ts). */
export interface PaperFacts {
  recordedFromPaper?: boolean;
  paperReference?: string | null;
}
interface MemberChangeContent {
  add: string[];
  remove: string[];
}
interface ClosureContent {
  reason: (typeof closeReasons)[number];
  note: string | null;
}
export type Content = Partial<OpeningContent & MemberChangeContent & ClosureContent> & PaperFacts;

const what = 'room-application';
const target = (application: Pick<RoomApplication, 'roomId' | 'subjectId'>) => ({
  id: application.roomId,
  subjectId: application.subjectId,
});

async function refuseWith(
  ctx: RoomsContext,
  user: UserPrincipal,
  room: { id: string | null; subjectId: string | null } | null,
  code: 'FORBIDDEN' | 'ILLEGAL_TRANSITION',
  message: Message,
): Promise<GraphQLError> {
  return refuse(ctx, user, room, what, { allowed: false, code, message });
}

export async function step(
  tx: RoomsTx,
  application: RoomApplication,
  action: ApplicationAction,
  actor: UserPrincipal,
  reason: string | null,
) {
  await tx.roomApplicationStep.create({ data: { applicationId: application.id, ...stepRow(action, actor, reason) } });
  await recordAccess(tx, { actor, room: target(application), action: 'WRITE', what, outcome: 'SUCCESS' });
  // Every step may change who is related to the subject (the form waits for deciders, a room opens, members change).
  await announceCareChange(tx, { subjectId: application.subjectId });
}

async function submit(
  ctx: RoomsContext,
  form: 8 | 9 | 10,
  subjectId: string,
  roomId: string | null,
  content: Content,
): Promise<RoomApplication> {
  const user = requireSignedIn(ctx.principal);
  if (!maySubmit(form, user, user.facilityId))
    throw await refuseWith(
      ctx,
      user,
      { id: roomId, subjectId },
      'FORBIDDEN',
      refusalMessage(user.role, ['room.submit']),
    );
  // Need to know: asking for a subject's room is for those carrying its steps (before saying whether the subject exists).
  if (form === 8) await requireCare(ctx, user, subjectId);
  if (form === 8) await checkNamedIds(ctx.db, { subjectId, userIds: content.memberIds ?? [], field: 'memberIds' });
  if (form === 9) await checkNamedIds(ctx.db, { userIds: content.add ?? [], field: 'add' });
  return ctx.db.$transaction(async (tx) => {
    const application = await tx.roomApplication.create({
      data: {
        id: randomUUID(),
        form,
        facilityId: user.facilityId,
        subjectId,
        roomId,
        content: content as Prisma.InputJsonValue,
        submittedBy: user.userId,
        submittedAt: new Date(),
      },
    });
    await step(tx, application, 'submit', user, null);
    return application;
  });
}

/** Forms 9 and 10 concern a room the submitter is a current member of, and that is not closed. */
async function roomForChange(ctx: RoomsContext, roomId: string) {
  const user = requireSignedIn(ctx.principal);
  const room = await ctx.roomById.load(roomId);
  if (!room)
    throw notFound({ en: 'There is no such room. Check the id.', ja: 'その部屋はありません。ID を確認してください。' });
  if (!(await ctx.callerIsMember.load(room.id)))
    throw await refuseWith(ctx, user, room, 'FORBIDDEN', {
      en: "Only the room's members may ask to change or close it.",
      ja: '部屋の変更や閉鎖を申請できるのは部屋のメンバーだけです。',
    });
  if (room.status === 'CLOSED') throw await refuseWith(ctx, user, room, 'ILLEGAL_TRANSITION', roomClosed);
  return room;
}

/**
 * Ids a form names must name someone: the subject registered in identity,
 * members active users of the network (rooms' directory view). Checked when
 * a form is submitted or recorded (NOT_FOUND / BAD_USER_INPUT, nothing
 * written) and again when it is applied (CONFLICT: someone retired meanwhile).
 */
export async function checkNamedIds(
  db: RoomsContext['db'],
  input: { subjectId?: string; userIds: readonly string[]; field: string },
): Promise<void> {
  if (input.subjectId && !(await subjectKnown(db, input.subjectId)))
    throw notFound({
      en: 'There is no such subject. Register the subject first.',
      ja: 'その対象者は登録されていません。先に対象者を登録してください。',
    });
  const unknown = await notActiveUsers(db, input.userIds);
  if (unknown.length > 0)
    throw appError(
      'BAD_USER_INPUT',
      {
        en: `${input.field}: ${unknown.length} of the users named are not active users of the network. Check the ids.`,
        ja: `${input.field}: 指定した利用者のうち${unknown.length}人はネットワークの利用者ではありません。ID を確認してください。`,
      },
      { field: input.field },
    );
}

/** Form 8, by a USER for its own facility. */
export function submitRoomOpening(
  ctx: RoomsContext,
  input: z.infer<typeof submitOpeningInput>,
): Promise<RoomApplication> {
  return submit(ctx, 8, input.subjectId, null, { title: input.title, memberIds: input.memberIds });
}

/** Form 9, by a USER who is a member of the room. */
export async function submitRoomMemberChange(
  ctx: RoomsContext,
  input: z.infer<typeof submitMemberChangeInput>,
): Promise<RoomApplication> {
  requireSignedIn(ctx.principal);
  const room = await roomForChange(ctx, input.roomId);
  // Said at once rather than when a manager approves (the apply step checks again under its lock).
  const current = new Set((await ctx.membersByRoom.load(room.id)).map((member) => member.userId));
  if (input.add.some((userId) => current.has(userId)))
    throw appError('BAD_USER_INPUT', alreadyMember, { field: 'add' });
  if (input.remove.some((userId) => !current.has(userId)))
    throw appError('BAD_USER_INPUT', notMember, { field: 'remove' });
  return submit(ctx, 9, room.subjectId, room.id, { add: input.add, remove: input.remove });
}

/** Form 10, by a USER who is a member of the room. */
export async function submitRoomClosure(
  ctx: RoomsContext,
  input: z.infer<typeof submitClosureInput>,
): Promise<RoomApplication> {
  requireSignedIn(ctx.principal);
  const room = await roomForChange(ctx, input.roomId);
  return submit(ctx, 10, room.subjectId, room.id, { reason: input.reason, note: input.note ?? null });
}

/** Confirm (forward), approve (and apply), reject or withdraw. */
export async function actOnRoomApplication(
  ctx: RoomsContext,
  id: string,
  action: 'forward' | 'approve' | 'reject' | 'withdraw',
  reason: string | null = null,
): Promise<RoomApplication> {
  const actor = requireSignedIn(ctx.principal);
  return takeApplicationStep<RoomApplication, RoomsTx, RoomApplication>({
    name: { en: 'room application', ja: '部屋の申請' },
    changedName: { en: 'application', ja: '申請' },
    load: () => ctx.db.roomApplication.findUnique({ where: { id } }),
    decide: (current) => decideFormStep(current, action, actor),
    refused: async (current, refusal) => {
      await refuseWith(ctx, actor, target(current), refusal.code, refusal.reason);
    },
    transaction: (work) => ctx.db.$transaction(work),
    transition: (tx, current, allowed) => tx.roomApplication.updateMany(formTransition(current, allowed, reason)),
    reload: (tx) => tx.roomApplication.findUniqueOrThrow({ where: { id } }),
    appendStep: (tx, application) => step(tx, application, action, actor, reason),
    effects: async (tx, { moved: application }) => {
      if (action !== 'approve') return application;
      const roomId = await applyApproved(tx, application, actor);
      const applied = await tx.roomApplication.update({ where: { id }, data: { status: 'APPLIED', roomId } });
      await step(tx, applied, 'apply', actor, null);
      return applied;
    },
    // The partial unique index room_one_active_per_subject (Art. 9), when a concurrent approval opened the room.
    uniqueViolation: oneRoomPerSubject,
    failed: (current, code) =>
      recordAccessAlone(ctx.db, { actor, room: target(current), action: 'DENIED', what, outcome: code }),
    settled: (current) => {
      if (!current.roomId) return;
      ctx.roomById.clear(current.roomId);
      ctx.membersByRoom.clear(current.roomId);
      ctx.callerIsMember.clear(current.roomId);
    },
  });
}

/** Applies an approved form inside the approval's transaction; returns the room concerned. */
export async function applyApproved(tx: RoomsTx, application: RoomApplication, actor: UserPrincipal): Promise<string> {
  const content = application.content as Content;
  const now = new Date();
  if (application.form === 8) {
    const sharing = await tx.subjectSharing.findUnique({ where: { subjectId: application.subjectId } });
    if (!sharingAllowed(sharing, now))
      throw conflict({
        en: "The subject's consent (Form 7) or a legal exception is required before a room is opened. Record one first.",
        ja: '部屋を開設するには、対象者の同意（様式7）または法令による例外が必要です。先に記録してください。',
      });
    if (!(await subjectKnown(tx, application.subjectId)))
      throw conflict({ en: 'The subject is not registered.', ja: 'この対象者は登録されていません。' });
    if ((await notActiveUsers(tx, content.memberIds ?? [])).length > 0)
      throw conflict({
        en: 'A member to invite is no longer an active user of the network. Leave them out and submit again.',
        ja: '招待するメンバーはネットワークの利用者ではなくなっています。外してから申請し直してください。',
      });
    // The partial unique index room_one_active_per_subject reports a second open room (Art. 9) as a unique violation.
    const room = await tx.room.create({
      data: {
        id: randomUUID(),
        subjectId: application.subjectId,
        title: content.title as string,
        openedBy: actor.userId,
        openedAt: now,
      },
    });
    await tx.roomMember.createMany({
      data: (content.memberIds ?? []).map((userId) => ({
        id: randomUUID(),
        roomId: room.id,
        userId,
        addedBy: actor.userId,
        addedAt: now,
      })),
    });
    await recordAccess(tx, { actor, room, action: 'WRITE', what: 'room.open', outcome: 'SUCCESS' });
    return room.id;
  }
  const room = await tx.room.findUnique({ where: { id: application.roomId as string } });
  if (!room)
    throw notFound({ en: 'There is no such room. Check the id.', ja: 'その部屋はありません。ID を確認してください。' });
  if (room.status === 'CLOSED') throw appError('ILLEGAL_TRANSITION', roomClosed);
  if (application.form === 9) {
    const add = content.add ?? [];
    const remove = content.remove ?? [];
    if (add.length > 0 && room.status !== 'OPEN')
      throw appError('ILLEGAL_TRANSITION', {
        en: `The room is ${roomStatusNames[room.status].en}: no new members are added.`,
        ja: `この部屋は${roomStatusNames[room.status].ja}のため、メンバーを追加できません。`,
      });
    const current = new Set(
      (await tx.roomMember.findMany({ where: { roomId: room.id, removedAt: null }, select: { userId: true } })).map(
        (m) => m.userId,
      ),
    );
    if (add.some((userId) => current.has(userId))) throw conflict(alreadyMember);
    if ((await notActiveUsers(tx, add)).length > 0)
      throw conflict({
        en: 'A user to add is no longer an active user of the network. Leave them out and submit again.',
        ja: '追加する利用者はネットワークの利用者ではなくなっています。外してから申請し直してください。',
      });
    if (remove.some((userId) => !current.has(userId))) throw conflict(notMember);
    if (add.length > 0)
      await tx.roomMember.createMany({
        data: add.map((userId) => ({ id: randomUUID(), roomId: room.id, userId, addedBy: actor.userId, addedAt: now })),
      });
    if (remove.length > 0)
      await tx.roomMember.updateMany({
        where: { roomId: room.id, userId: { in: remove }, removedAt: null },
        data: { removedAt: now, removedBy: actor.userId },
      });
    await recordAccess(tx, { actor, room, action: 'WRITE', what: 'member.change', outcome: 'SUCCESS' });
    return room.id;
  }
  const closed = await tx.room.updateMany({
    where: { id: room.id, status: { not: 'CLOSED' } },
    data: {
      status: 'CLOSED',
      closedAt: now,
      closedReason: encodeClosure(content.reason as ClosureContent['reason'], content.note),
    },
  });
  if (closed.count === 0)
    throw appError('ILLEGAL_TRANSITION', {
      en: 'The room is already closed.',
      ja: 'この部屋はすでに閉鎖されています。',
    });
  await recordAccess(tx, { actor, room, action: 'WRITE', what: 'room.close', outcome: 'SUCCESS' });
  // Partners' join requests still pending can no longer be approved: they get their answer now.
  await rejectPendingOnClose(tx, room, actor, now);
  return room.id;
}

/** Who may see an application: its submitter, its facility's manager, the deciders (room.decide, which includes the system admin). */
function visibleTo(user: UserPrincipal): Prisma.RoomApplicationWhereInput {
  if (can(user, 'room.decide')) return {};
  if (user.role === 'FACILITY_MANAGER') return { OR: [{ facilityId: user.facilityId }, { submittedBy: user.userId }] };
  return { submittedBy: user.userId };
}

export function listRoomApplications(
  ctx: RoomsContext,
  input: z.infer<typeof listApplicationsInput>,
): Promise<RoomApplication[]> {
  const user = requireSignedIn(ctx.principal);
  return ctx.db.roomApplication.findMany({
    where: { AND: [visibleTo(user), input.status ? { status: input.status } : {}] },
    orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
}

/** How many applications the caller may see are in the status: one COUNT, however many there are. */
export function countRoomApplications(
  ctx: RoomsContext,
  input: z.infer<typeof listApplicationsInput>,
): Promise<number> {
  const user = requireSignedIn(ctx.principal);
  return ctx.db.roomApplication.count({
    where: { AND: [visibleTo(user), input.status ? { status: input.status } : {}] },
  });
}

export async function getRoomApplication(ctx: RoomsContext, id: string): Promise<RoomApplication> {
  const user = requireSignedIn(ctx.principal);
  const application = await ctx.db.roomApplication.findFirst({ where: { AND: [{ id }, visibleTo(user)] } });
  if (application) return application;
  const exists = await ctx.db.roomApplication.findUnique({ where: { id } });
  if (!exists)
    throw notFound({
      en: 'There is no such room application. Check the id.',
      ja: 'その部屋の申請はありません。ID を確認してください。',
    });
  throw await refuseWith(ctx, user, target(exists), 'FORBIDDEN', {
    en: 'You may not see this room application: it is for the people on its route (submitter, facility manager, deciders).',
    ja: 'この部屋の申請は閲覧できません。閲覧できるのは申請の経路にいる人（申請者、システム管理責任者、決定者）です。',
  });
}

export function stepsOf(ctx: RoomsContext, application: RoomApplication): Promise<RoomApplicationStep[]> {
  return ctx.db.roomApplicationStep.findMany({
    where: { applicationId: application.id },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
}

/**
 * Need to know (lib/access/care-relationship.ts): a Form 8, electronic or
 * recorded from paper, only for a subject the caller is related to (its
 * facility registered the subject, obtained its consent or asked the
 * existence check; or, for a decider, a decision about it is pending).
 * Unrelated and unknown subjects are refused alike, and recorded.
 */
export async function requireCare(ctx: RoomsContext, user: UserPrincipal, subjectId: string): Promise<void> {
  if (await ctx.careOf.load(subjectId)) return;
  throw await refuseWith(ctx, user, { id: null, subjectId }, 'FORBIDDEN', {
    en: 'You have no care relationship with this subject (need to know). Ask a member of their room, or check whether a room exists (askRoomExists).',
    ja: 'この対象者との支援関係がありません（必要な範囲に限った共有）。部屋のメンバーに相談するか、部屋の有無を確認してください（askRoomExists）。',
  });
}
