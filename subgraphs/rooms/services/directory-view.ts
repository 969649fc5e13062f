// Rooms' own view of identity's directory (rooms.directory_user,
// rooms.directory_subject), kept current by the directory-changed job from
// identity's outbox, so that rooms can refuse ids it is given that name no
// one: a member who is not an active user of the network, a subject that
// was never registered, a partner that is not (or no longer) registered. Rooms never reads identity's tables. The view holds
// facts only (active or not, facility, facility kind), no personal data.
import type { PrismaClient } from '../../../lib/database';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import { conflict, notFound } from '../../../lib/graphql-errors';
import { chainStore } from './access-records';
import { announceCareChange } from './outbox';

export type DirectoryViewDb = Pick<PrismaClient, '$executeRaw' | '$queryRaw'>;

export interface DirectoryReading {
  users: Array<{ userId: string; facilityId: string; facilityKind: string; active: boolean; departed?: boolean }>;
  subjectIds: string[];
  partners?: Array<{ partnerId: string; active: boolean }>;
}

/** Upserts each fact unless the view holds a reading at least as new. */
export async function refreshDirectory(
  db: Pick<PrismaClient, '$executeRaw'>,
  reading: DirectoryReading,
  eventAt: Date,
): Promise<void> {
  for (const user of reading.users) {
    await db.$executeRaw`
      INSERT INTO rooms.directory_user (user_id, facility_id, facility_kind, active, event_at)
      VALUES (${user.userId}::uuid, ${user.facilityId}::uuid, ${user.facilityKind}, ${user.active}, ${eventAt})
      ON CONFLICT (user_id) DO UPDATE
        SET facility_id = EXCLUDED.facility_id, facility_kind = EXCLUDED.facility_kind, active = EXCLUDED.active, event_at = EXCLUDED.event_at
        WHERE rooms.directory_user.event_at < EXCLUDED.event_at`;
  }
  for (const partner of reading.partners ?? []) {
    await db.$executeRaw`
      INSERT INTO rooms.directory_partner (partner_id, active, event_at) VALUES (${partner.partnerId}::uuid, ${partner.active}, ${eventAt})
      ON CONFLICT (partner_id) DO UPDATE SET active = EXCLUDED.active, event_at = EXCLUDED.event_at
        WHERE rooms.directory_partner.event_at < EXCLUDED.event_at`;
  }
  for (const subjectId of reading.subjectIds) {
    await db.$executeRaw`
      INSERT INTO rooms.directory_subject (subject_id, event_at) VALUES (${subjectId}::uuid, ${eventAt})
      ON CONFLICT (subject_id) DO NOTHING`;
  }
}

/** The given user ids that are not active users of the network, as far as rooms knows. */
export async function notActiveUsers(
  db: Pick<PrismaClient, 'directoryUser'>,
  userIds: readonly string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const active = await db.directoryUser.findMany({
    where: { userId: { in: [...userIds] }, active: true },
    select: { userId: true },
  });
  const known = new Set(active.map((row) => row.userId));
  return userIds.filter((id) => !known.has(id));
}

export async function subjectKnown(db: Pick<PrismaClient, 'directorySubject'>, subjectId: string): Promise<boolean> {
  return (await db.directorySubject.count({ where: { subjectId } })) > 0;
}

export type DepartureDb = Pick<PrismaClient, 'roomMember' | 'roomsAccessRecord' | 'roomsOutboxEvent' | '$transaction'>;

/**
 * A user who retired (Form 5) or whose account was deleted (Art. 23) leaves
 * every room: the memberships end (removed by the system, so removedBy is
 * empty) with one access record per room. A suspension or an inactivity stop
 * keeps them (the account may come back). Idempotent: only current
 * memberships are ended. Returns the rooms left.
 */
export function endMembershipsOfDeparted(db: DepartureDb, userIds: readonly string[], at: Date): Promise<string[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.$transaction(async (tx) => {
    const current = await tx.roomMember.findMany({
      where: { userId: { in: [...userIds] }, removedAt: null },
      include: { room: { select: { id: true, subjectId: true } } },
      orderBy: { id: 'asc' },
    });
    for (const membership of current) {
      const ended = await tx.roomMember.updateMany({
        where: { id: membership.id, removedAt: null },
        data: { removedAt: at },
      });
      if (ended.count === 0) continue;
      await appendAccessRecord(chainStore(tx), {
        at,
        actorId: null,
        actorRole: 'SYSTEM',
        subjectId: membership.room.subjectId,
        roomId: membership.room.id,
        action: 'WRITE',
        what: 'member.departed',
        outcome: 'SUCCESS',
      });
      await announceCareChange(tx, { subjectId: membership.room.subjectId });
    }
    return current.map((membership) => membership.room.id);
  });
}

/** A partner named by a share code or an outbound join must be registered (NOT_FOUND) and not suspended (CONFLICT). */
export async function requireActivePartner(
  db: Pick<PrismaClient, 'directoryPartner'>,
  partnerId: string,
): Promise<void> {
  const partner = await db.directoryPartner.findUnique({ where: { partnerId } });
  if (!partner)
    throw notFound({
      en: 'There is no such partner. Check the id; a partner registered a moment ago is known here within seconds.',
      ja: 'その他団体のシステムは登録されていません。ID を確認してください。登録した直後の場合は数秒後にやり直してください。',
    });
  if (!partner.active)
    throw conflict({
      en: 'The partner is suspended: there is no exchange with it until it is reactivated.',
      ja: 'この他団体のシステムは停止されています。再開されるまで連携できません。',
    });
}
