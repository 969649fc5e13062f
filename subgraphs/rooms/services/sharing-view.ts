// Rooms' own view of whether a subject's data may be shared
// (rooms.subject_sharing), kept current by the subject-sharing-changed and
// consent-withdrawn jobs from consent's state. Opening a room (Form 8)
// checks it instead of reading consent's tables.
import type { PrismaClient } from '../../../lib/database';

export type SharingViewDb = Pick<PrismaClient, '$executeRaw'>;

export interface SharingFacts {
  subjectId: string;
  allowed: boolean;
  basis: string | null;
  /** When the state was read: an older reading never replaces a newer one. */
  eventAt: Date;
}

/** Upserts the view unless it already holds a reading at least as new. Returns whether it changed. */
export async function refreshSubjectSharing(db: SharingViewDb, facts: SharingFacts): Promise<boolean> {
  const changed = await db.$executeRaw`
    INSERT INTO rooms.subject_sharing (subject_id, allowed, basis, event_at, updated_at)
    VALUES (${facts.subjectId}::uuid, ${facts.allowed}, ${facts.basis}, ${facts.eventAt}, now())
    ON CONFLICT (subject_id) DO UPDATE
      SET allowed = EXCLUDED.allowed, basis = EXCLUDED.basis, event_at = EXCLUDED.event_at, updated_at = now()
      WHERE rooms.subject_sharing.event_at < EXCLUDED.event_at`;
  return changed > 0;
}
