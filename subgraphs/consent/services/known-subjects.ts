// Consent's view of which subjects identity holds (consent.directory_subject),
// kept by the directory-changed job from identity's outbox. Consent records
// a Form 7, a legal exception or a disclosure request only for a subject
// this view knows: an id that names no one is refused (NOT_FOUND) before
// anything is written. Ids only: no personal data is copied.
import type { PrismaClient } from '../../../lib/database';
import { notFound } from '../../../lib/graphql-errors';

export type KnownSubjectsDb = Pick<PrismaClient, '$executeRaw'>;

export async function recordKnownSubjects(
  db: KnownSubjectsDb,
  subjectIds: readonly string[],
  eventAt: Date,
): Promise<void> {
  for (const subjectId of subjectIds) {
    await db.$executeRaw`INSERT INTO consent.directory_subject (subject_id, event_at) VALUES (${subjectId}::uuid, ${eventAt}) ON CONFLICT (subject_id) DO NOTHING`;
  }
}

export async function requireKnownSubject(
  db: Pick<PrismaClient, 'consentKnownSubject'>,
  subjectId: string,
): Promise<void> {
  if ((await db.consentKnownSubject.count({ where: { subjectId } })) === 0) {
    throw notFound({
      en: 'There is no such subject. Register the subject first; one registered a moment ago is known here within seconds.',
      ja: 'その対象者は登録されていません。先に対象者を登録してください。登録した直後の場合は数秒後にやり直してください。',
    });
  }
}
