// Paper Forms 8-10 (Art. 20). The regulations' forms are paper first: a
// deciding manager who holds a signed paper form records it and decides it
// in one step. These are the openRoom / addRoomMember / removeRoomMember /
// closeRoom mutations. They are not a way around the forms: each writes a
// room application (marked as recorded from paper, with the paper's
// reference) and its history (submit → approve → apply, all by the recording
// manager) and applies it through the same step as an electronic approval,
// in one transaction, so the same rules hold: a room opens only with consent
// or a legal exception in rooms' sharing view, one room that is not closed
// per subject, no new members in a suspended room, a closed room is final.
// As with paper Forms 1-5 in identity, the recording manager is accountable
// for the paper; the history and the access records say who recorded it.
import { refusalMessage } from '../../../lib/access/refusals';
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Room } from '../../../generated/prisma/client';
import { requireSignedIn } from '../../../lib/access/guard';
import { can } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { isUniqueViolation } from '../../../lib/db-errors';
import { conflict } from '../../../lib/graphql-errors';
import { text, uuid } from '../../../lib/input';
import type { RoomsContext } from '../context';
import { closeReasons } from '../domain/room-access';
import { recordAccessAlone } from './access-records';
import {
  applyApproved,
  checkNamedIds,
  requireCare,
  step,
  type Content,
  oneRoomPerSubject,
} from './room-application-service';
import { authorizeRoom, findRoom, refuse } from './room-guard';
import { inputMessage } from '../../../lib/messages/input-issues';

const paperReference = text(200).nullish();

export const openRoomInput = z.object({
  subjectId: uuid,
  title: text(200),
  memberIds: z
    .array(uuid)
    .max(50)
    .nullish()
    .transform((list) => [...new Set(list ?? [])]),
  paperReference,
});
export const memberInput = z.object({ roomId: uuid, userId: uuid, paperReference });
export const closeRoomInput = z
  .object({ roomId: uuid, reason: z.enum(closeReasons), note: text(1000).nullish(), paperReference })
  .refine((input) => input.reason !== 'OTHER' || !!input.note, {
    message: inputMessage({
      en: 'Say why when the reason is OTHER.',
      ja: '理由が OTHER の場合は内容を入力してください。',
    }),
    path: ['note'],
  });

interface PaperForm {
  form: 8 | 9 | 10;
  subjectId: string;
  roomId: string | null;
  content: Content;
  paperReference: string | null | undefined;
}

/** Records, approves and applies one paper form; returns the room concerned. */
async function recordPaperForm(ctx: RoomsContext, manager: UserPrincipal, paper: PaperForm): Promise<Room> {
  const target = { id: paper.roomId, subjectId: paper.subjectId };
  try {
    const roomId = await ctx.db.$transaction(async (tx) => {
      const id = randomUUID();
      const application = await tx.roomApplication.create({
        data: {
          id,
          form: paper.form,
          status: 'APPROVED',
          facilityId: manager.facilityId,
          subjectId: paper.subjectId,
          roomId: paper.roomId,
          content: { ...paper.content, recordedFromPaper: true, paperReference: paper.paperReference ?? null },
          submittedBy: manager.userId,
          // The regulations send a copy to the system admin when another manager decides (Art. 17-2, 20-3, 20-6).
          copyToSystemAdmin: manager.role !== 'SYSTEM_ADMIN',
          submittedAt: new Date(),
        },
      });
      await step(
        tx,
        application,
        'submit',
        manager,
        paper.paperReference ? `recorded from paper form ${paper.paperReference}` : 'recorded from a paper form',
      );
      await step(tx, application, 'approve', manager, null);
      const applied = await applyApproved(tx, application, manager);
      const done = await tx.roomApplication.update({ where: { id }, data: { status: 'APPLIED', roomId: applied } });
      await step(tx, done, 'apply', manager, null);
      return applied;
    });
    ctx.roomById.clear(roomId);
    ctx.membersByRoom.clear(roomId);
    ctx.callerIsMember.clear(roomId);
    return await ctx.db.room.findUniqueOrThrow({ where: { id: roomId } });
  } catch (error) {
    const refused = isUniqueViolation(error) ? conflict(oneRoomPerSubject) : error;
    if (refused instanceof GraphQLError && typeof refused.extensions.code === 'string') {
      await recordAccessAlone(ctx.db, {
        actor: manager,
        room: target,
        action: 'DENIED',
        what: 'room-application',
        outcome: refused.extensions.code,
      });
    }
    throw refused;
  }
}

/** Paper Form 8: a deciding manager opens the subject's room (and manages it). */
export async function openRoom(ctx: RoomsContext, input: z.infer<typeof openRoomInput>): Promise<Room> {
  const user = requireSignedIn(ctx.principal);
  if (!can(user, 'room.decide')) {
    throw await refuse(ctx, user, { id: null, subjectId: input.subjectId }, 'room.open', {
      allowed: false,
      code: 'FORBIDDEN',
      message: refusalMessage(user.role, ['room.decide']),
    });
  }
  await requireCare(ctx, user, input.subjectId);
  await checkNamedIds(ctx.db, { subjectId: input.subjectId, userIds: input.memberIds, field: 'memberIds' });
  return recordPaperForm(ctx, user, {
    form: 8,
    subjectId: input.subjectId,
    roomId: null,
    content: { title: input.title, memberIds: input.memberIds },
    paperReference: input.paperReference,
  });
}

/** Paper Form 9 (one member in or out), by the room's manager. */
export async function changeRoomMember(
  ctx: RoomsContext,
  input: z.infer<typeof memberInput>,
  change: 'add' | 'remove',
): Promise<Room> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(
    ctx,
    room,
    change === 'add' ? 'members.add' : 'members.remove',
    change === 'add' ? 'member.add' : 'member.remove',
  );
  if (change === 'add') await checkNamedIds(ctx.db, { userIds: [input.userId], field: 'userId' });
  const content: Content = change === 'add' ? { add: [input.userId], remove: [] } : { add: [], remove: [input.userId] };
  return recordPaperForm(ctx, user, {
    form: 9,
    subjectId: room.subjectId,
    roomId: room.id,
    content,
    paperReference: input.paperReference,
  });
}

/** Paper Form 10, by the room's manager. */
export async function closeRoom(ctx: RoomsContext, input: z.infer<typeof closeRoomInput>): Promise<Room> {
  const room = await findRoom(ctx, input.roomId);
  const user = await authorizeRoom(ctx, room, 'room.close', 'room.close');
  return recordPaperForm(ctx, user, {
    form: 10,
    subjectId: room.subjectId,
    roomId: room.id,
    content: { reason: input.reason, note: input.note ?? null },
    paperReference: input.paperReference,
  });
}
