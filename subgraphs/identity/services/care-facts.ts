// What identity tells the care-relationships-changed job (need to know),
// read through identity's own tables: who registered a subject, which
// facility users belong to, and which subjects an existence check's
// question names. Ids and dates only leave this module.
import type { PrismaClient } from '../../../lib/database';
import type { CareRelationship, CareStep } from '../../../lib/access/care-relationship';
import { replaceCareRelationships } from '../../../lib/access/care-relationship-view';
import { subjectMatchKey } from '../domain/name-normalization';
import { subjectsWithKey } from './subject-service';
import { matchesSubjectKey } from '../domain/subject-rules';

export type CareFactsDb = Pick<PrismaClient, 'subject' | 'user'>;

/** The registration step, or null when the subject is unknown or was registered before registrations were kept. */
export async function registrationStep(
  db: CareFactsDb,
  subjectId: string,
): Promise<{ known: boolean; step: CareStep | null }> {
  const subject = await db.subject.findUnique({
    where: { id: subjectId },
    select: { registeredBy: true, registeredFacilityId: true, createdAt: true },
  });
  if (!subject) return { known: false, step: null };
  return {
    known: true,
    step: subject.registeredBy
      ? { userId: subject.registeredBy, facilityId: subject.registeredFacilityId, at: subject.createdAt }
      : null,
  };
}

/** user id → facility id, for the users given (unknown ids are left out). */
export async function facilitiesOfUsers(db: CareFactsDb, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(userIds)] } },
    select: { id: true, facilityId: true },
  });
  return new Map(users.map((user) => [user.id, user.facilityId]));
}

/** The subject's folded kana name and birth date: how an existence check's question is matched to it. */
export async function subjectQuestionKey(
  db: CareFactsDb,
  subjectId: string,
): Promise<{ birthDate: Date; matches: (nameKana: string, birthDate: Date) => boolean } | null> {
  const subject = await db.subject.findUnique({
    where: { id: subjectId },
    select: { nameKey: true, nameKana: true, birthDate: true },
  });
  if (!subject) return null;
  return {
    birthDate: subject.birthDate,
    matches: (nameKana, birthDate) =>
      matchesSubjectKey(subject, subjectMatchKey(nameKana, birthDate.toISOString().slice(0, 10))),
  };
}

/** Subjects an existence check's question (kana name in any spelling, birth date) names. */
export async function subjectsNamedBy(db: CareFactsDb, nameKana: string, birthDate: Date): Promise<string[]> {
  // The same look-up findSubjects makes (kana folded, rows from before name_key included).
  return (await subjectsWithKey(db, nameKana, birthDate.toISOString().slice(0, 10))).map((subject) => subject.id);
}

/** Identity's own copy of the relationships; only the care-relationships-changed job writes it. */
export function storeIdentityCareRelationships(
  db: Pick<PrismaClient, '$queryRaw' | '$executeRaw' | '$transaction'>,
  subjectId: string,
  relationships: readonly CareRelationship[],
  computedAt: Date,
): Promise<boolean> {
  return replaceCareRelationships(db, 'identity', subjectId, relationships, computedAt);
}

/** Subjects whose relationships were never computed (registered before the care views existed), oldest first. */
export async function subjectsWithoutCareSet(db: Pick<PrismaClient, '$queryRaw'>, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT s.id::text AS id FROM identity.subject s
    WHERE NOT EXISTS (SELECT 1 FROM identity.care_relationship_version v WHERE v.subject_id = s.id)
    ORDER BY s.created_at, s.id LIMIT ${limit}`;
  return rows.map((row) => row.id);
}
