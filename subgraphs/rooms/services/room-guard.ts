// The one place rooms' resolvers and services ask "may the caller do this
// with this room?": the pure rules decide, a refusal is recorded (once per
// room and kind of access per request) and answered with its code.
import type { Room } from '../../../generated/prisma/client';
import { requireSignedIn } from '../../../lib/access/guard';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appError, notFound } from '../../../lib/graphql-errors';
import type { RoomsContext } from '../context';
import { decideRoomAction, roomAccess, type RoomAccess, type RoomAction, type Verdict } from '../domain/room-access';
import { recordAccessAlone } from './access-records';

export async function accessOf(ctx: RoomsContext, room: Room): Promise<{ user: UserPrincipal; access: RoomAccess }> {
  const user = requireSignedIn(ctx.principal);
  const isMember = await ctx.callerIsMember.load(room.id);
  // A member reads as a member: the emergency accesses are looked up only for a caller who is not one.
  const accessId = isMember ? null : await ctx.emergencyGrantOf.load(room.subjectId);
  return { user, access: roomAccess(user, room, { isMember }, { accessId }) };
}

/** Records the refusal (once per request per room and `what`) and returns the error to throw. */
export async function refuse(
  ctx: RoomsContext,
  user: UserPrincipal,
  room: { id: string | null; subjectId: string | null } | null,
  what: string,
  verdict: Extract<Verdict, { allowed: false }>,
) {
  const key = `${room?.id ?? '-'}:${what}`;
  if (!ctx.deniedRecorded.has(key)) {
    ctx.deniedRecorded.add(key);
    await recordAccessAlone(ctx.db, {
      actor: user,
      room: { id: room?.id ?? null, subjectId: room?.subjectId ?? null },
      action: 'DENIED',
      what,
      outcome: verdict.code,
    });
  }
  return appError(verdict.code, verdict.message);
}

/** Allows the action or throws FORBIDDEN / ILLEGAL_TRANSITION after recording the refusal. */
export async function authorizeRoom(
  ctx: RoomsContext,
  room: Room,
  action: RoomAction,
  what: string,
): Promise<UserPrincipal> {
  const { user, access } = await accessOf(ctx, room);
  const verdict = decideRoomAction(access, room, action);
  if (!verdict.allowed) throw await refuse(ctx, user, room, what, verdict);
  return user;
}

/**
 * As authorizeRoom, for a read that leaves an access record: also says the
 * emergency access the caller reads under (null for a member), which the
 * record must carry (break-glass reads are flagged).
 */
export async function authorizeRoomRead(
  ctx: RoomsContext,
  room: Room,
  action: RoomAction,
  what: string,
): Promise<{ user: UserPrincipal; emergencyAccessId: string | null }> {
  const { user, access } = await accessOf(ctx, room);
  const verdict = decideRoomAction(access, room, action);
  if (!verdict.allowed) throw await refuse(ctx, user, room, what, verdict);
  return { user, emergencyAccessId: access.emergencyAccessId };
}

export async function findRoom(ctx: RoomsContext, id: string): Promise<Room> {
  const room = await ctx.roomById.load(id);
  if (!room)
    throw notFound({ en: 'There is no such room. Check the id.', ja: 'その部屋はありません。ID を確認してください。' });
  return room;
}
