// Rooms' own view of identity's directory (rooms.directory_user,
// rooms.directory_subject), kept current by the directory-changed job from
// identity's outbox, so that rooms can refuse ids it is given that name no
// one: a member who is not an active user of the network, a subject that
// was never registered. Rooms never reads identity's tables. The view holds
// facts only (active or not, facility, facility kind), no personal data.
import type { PrismaClient } from '../../../lib/database';

export type DirectoryViewDb = Pick<PrismaClient, '$executeRaw' | '$queryRaw'>;

export interface DirectoryReading {
  users: Array<{ userId: string; facilityId: string; facilityKind: string; active: boolean }>;
  subjectIds: string[];
}

/** Upserts each fact unless the view holds a reading at least as new. */
export async function refreshDirectory(db: Pick<PrismaClient, '$executeRaw'>, reading: DirectoryReading, eventAt: Date): Promise<void> {
  for (const user of reading.users) {
    await db.$executeRaw`
      INSERT INTO rooms.directory_user (user_id, facility_id, facility_kind, active, event_at)
      VALUES (${user.userId}::uuid, ${user.facilityId}::uuid, ${user.facilityKind}, ${user.active}, ${eventAt})
      ON CONFLICT (user_id) DO UPDATE
        SET facility_id = EXCLUDED.facility_id, facility_kind = EXCLUDED.facility_kind, active = EXCLUDED.active, event_at = EXCLUDED.event_at
        WHERE rooms.directory_user.event_at < EXCLUDED.event_at`;
  }
  for (const subjectId of reading.subjectIds) {
    await db.$executeRaw`
      INSERT INTO rooms.directory_subject (subject_id, event_at) VALUES (${subjectId}::uuid, ${eventAt})
      ON CONFLICT (subject_id) DO NOTHING`;
  }
}

/** The given user ids that are not active users of the network, as far as rooms knows. */
export async function notActiveUsers(db: Pick<PrismaClient, 'directoryUser'>, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const active = await db.directoryUser.findMany({ where: { userId: { in: [...userIds] }, active: true }, select: { userId: true } });
  const known = new Set(active.map((row) => row.userId));
  return userIds.filter((id) => !known.has(id));
}

export async function subjectKnown(db: Pick<PrismaClient, 'directorySubject'>, subjectId: string): Promise<boolean> {
  return (await db.directorySubject.count({ where: { subjectId } })) > 0;
}
