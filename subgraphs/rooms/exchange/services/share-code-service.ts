// Room share codes (Art. 20-2; partner exchange contract v1): the only way a
// partner can address one of our rooms. A manager of the room (its opener,
// the system admin) issues a code for one partner; it is 192 random bits,
// shown once and stored only as its SHA-256, expires (14 days by default),
// can be revoked (which ends the join requests still pending under it), and
// resolves only for the partner it was issued to, only while the room is open. Anything else resolves to nothing, and the FHIR
// endpoint answers all those cases with the same 404.
//
// Partner ids are identity's keys and are not checked for existence here
// (rooms never reads identity's tables); a code for an unknown partner can
// simply never be used.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Room, RoomShareCode } from '../../../../generated/prisma/client';
import { notFound } from '../../../../lib/graphql-errors';
import { uuid } from '../../../../lib/input';
import type { RoomsContext, RoomsDb } from '../../context';
import { recordAccess } from '../../services/access-records';
import { authorizeRoom, findRoom } from '../../services/room-guard';
import { requireActivePartner } from '../../services/directory-view';
import { cancelPendingOnRevoke } from './inbound-join-service';
import { shareCodeLength } from '../../../../lib/exchange/share-code-limits';

export const defaultShareCodeDays = 14;
const dayMs = 24 * 3600 * 1000;

export const issueShareCodeArgs = z
  .object({
    roomId: uuid,
    partnerId: uuid,
    expiresInDays: z.number().int().min(1).max(90).optional().nullable(),
  })
  .strict();

export function hashShareCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

export type ShareCodeStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export function shareCodeStatus(code: Pick<RoomShareCode, 'revokedAt' | 'expiresAt'>, now: Date): ShareCodeStatus {
  if (code.revokedAt) return 'REVOKED';
  return code.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'ACTIVE';
}

/** Issues a code; the plain code is returned here once and never stored. */
export async function issueRoomShareCode(
  ctx: RoomsContext,
  args: z.infer<typeof issueShareCodeArgs>,
  now = new Date(),
): Promise<{ code: string; shareCode: RoomShareCode }> {
  const room = await findRoom(ctx, args.roomId);
  // Issuing a code opens the way to a new participant: the same rule as adding a member (a manager, an open room).
  const user = await authorizeRoom(ctx, room, 'members.add', 'share-code.issue');
  await requireActivePartner(ctx.db, args.partnerId);
  const code = randomBytes(24).toString('base64url');
  const shareCode = await ctx.db.$transaction(async (tx) => {
    const created = await tx.roomShareCode.create({
      data: {
        id: randomUUID(),
        roomId: room.id,
        partnerId: args.partnerId,
        codeHash: hashShareCode(code),
        issuedBy: user.userId,
        issuedAt: now,
        expiresAt: new Date(now.getTime() + (args.expiresInDays ?? defaultShareCodeDays) * dayMs),
      },
    });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'share-code.issue', outcome: 'SUCCESS' });
    return created;
  });
  return { code, shareCode };
}

export async function revokeRoomShareCode(ctx: RoomsContext, id: string, now = new Date()): Promise<RoomShareCode> {
  const existing = await ctx.db.roomShareCode.findUnique({ where: { id } });
  if (!existing)
    throw notFound({
      en: 'There is no such share code. Check the id.',
      ja: 'その共有コードはありません。ID を確認してください。',
    });
  const room = await findRoom(ctx, existing.roomId);
  // Revoking narrows access: allowed whenever removing a member is.
  const user = await authorizeRoom(ctx, room, 'members.remove', 'share-code.revoke');
  if (existing.revokedAt) return existing;
  return ctx.db.$transaction(async (tx) => {
    const revoked = await tx.roomShareCode.update({ where: { id }, data: { revokedAt: now, revokedBy: user.userId } });
    await recordAccess(tx, { actor: user, room, action: 'WRITE', what: 'share-code.revoke', outcome: 'SUCCESS' });
    // A request made with the code can no longer be approved under it: the partner learns why.
    await cancelPendingOnRevoke(tx, id, room, user, now);
    return revoked;
  });
}

/** Room.shareCodes: metadata only (never the code), managers only. */
export async function listRoomShareCodes(ctx: RoomsContext, room: Room): Promise<RoomShareCode[]> {
  await authorizeRoom(ctx, room, 'members.remove', 'share-code.list');
  return ctx.db.roomShareCode.findMany({ where: { roomId: room.id }, orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }] });
}

export interface ResolvedShareCode {
  shareCodeId: string;
  roomId: string;
}

/**
 * For the FHIR endpoint: the room a partner's code addresses, or null when the
 * code is unknown, another partner's, revoked, expired, or its room is not
 * open. The caller answers every null the same way.
 */
export async function resolveShareCode(
  db: Pick<RoomsDb, '$queryRaw'>,
  partnerId: string,
  code: string,
  now = new Date(),
): Promise<ResolvedShareCode | null> {
  if (code.length > shareCodeLength.max) return null;
  // The code with its room's status, in one statement: every inbound Task asks this.
  const [row] = await db.$queryRaw<
    Array<Pick<RoomShareCode, 'id' | 'roomId' | 'partnerId' | 'expiresAt' | 'revokedAt'> & { roomStatus: string }>
  >`
    SELECT c.id, c.room_id AS "roomId", c.partner_id AS "partnerId", c.expires_at AS "expiresAt",
           c.revoked_at AS "revokedAt", r.status::text AS "roomStatus"
    FROM rooms.room_share_code c JOIN rooms.room r ON r.id = c.room_id
    WHERE c.code_hash = ${hashShareCode(code)}`;
  if (!row || row.partnerId !== partnerId || shareCodeStatus(row, now) !== 'ACTIVE') return null;
  if (row.roomStatus !== 'OPEN') return null;
  return { shareCodeId: row.id, roomId: row.roomId };
}
