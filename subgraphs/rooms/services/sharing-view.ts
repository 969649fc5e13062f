// Rooms' own view of whether a subject's data may be shared
// (rooms.subject_sharing), kept current by the subject-sharing-changed,
// consent-withdrawn and sharing-review jobs from consent's state. Opening a
// room (Form 8) and resuming a suspended one check it instead of reading
// consent's tables. An exception basis is trusted only through its review
// date: no event fires when a review date passes, so the view carries the
// date itself and the sharing-review job re-reads consent for views past it.
import type { PrismaClient } from '../../../lib/database';
import { todayInJapan } from '../../../lib/japan-calendar';

export type SharingViewDb = Pick<PrismaClient, 'subjectSharing' | '$executeRaw'>;

export interface SharingFacts {
  subjectId: string;
  allowed: boolean;
  basis: string | null;
  /** YYYY-MM-DD: the last day an exception basis holds; null for consent. */
  validThrough: string | null;
  /** When the state was read: an older reading never replaces a newer one. */
  eventAt: Date;
}

/** Upserts the view unless it already holds a reading at least as new. Returns whether it changed. */
export async function refreshSubjectSharing(
  db: Pick<PrismaClient, '$executeRaw'>,
  facts: SharingFacts,
): Promise<boolean> {
  const changed = await db.$executeRaw`
    INSERT INTO rooms.subject_sharing (subject_id, allowed, basis, valid_through, event_at, updated_at)
    VALUES (${facts.subjectId}::uuid, ${facts.allowed}, ${facts.basis}, ${facts.validThrough}::date, ${facts.eventAt}, now())
    ON CONFLICT (subject_id) DO UPDATE
      SET allowed = EXCLUDED.allowed, basis = EXCLUDED.basis, valid_through = EXCLUDED.valid_through, event_at = EXCLUDED.event_at, updated_at = now()
      WHERE rooms.subject_sharing.event_at < EXCLUDED.event_at`;
  return changed > 0;
}

/** Subjects whose view still says "allowed" on an exception basis whose review date has passed. */
export async function lapsedSharingViews(
  db: Pick<PrismaClient, 'subjectSharing'>,
  now: Date,
  limit = 500,
): Promise<Array<{ subjectId: string; validThrough: string }>> {
  const rows = await db.subjectSharing.findMany({
    where: { allowed: true, validThrough: { lt: new Date(`${todayInJapan(now)}T00:00:00Z`) } },
    orderBy: { subjectId: 'asc' },
    take: limit,
    select: { subjectId: true, validThrough: true },
  });
  return rows.map((row) => ({
    subjectId: row.subjectId,
    validThrough: (row.validThrough as Date).toISOString().slice(0, 10),
  }));
}
