// What consent tells the care-relationships-changed job (need to know): who
// recorded a subject's Forms 6/7, withdrawals and legal exceptions, and
// when. And consent's own copy of the relationships, which only that job writes.
import type { PrismaClient } from '../../../lib/database';
import { replaceCareRelationships } from '../../../lib/access/care-relationship-view';
import type { CareRelationship } from '../../../lib/access/care-relationship';

export type ConsentCareDb = Pick<
  PrismaClient,
  'consentRecord' | 'legalException' | '$queryRaw' | '$executeRaw' | '$transaction'
>;

export async function consentRecorders(
  db: ConsentCareDb,
  subjectId: string,
): Promise<Array<{ userId: string; at: Date }>> {
  const [records, exceptions] = await Promise.all([
    db.consentRecord.findMany({ where: { subjectId }, select: { recordedBy: true, recordedAt: true } }),
    db.legalException.findMany({ where: { subjectId }, select: { recordedBy: true, recordedAt: true } }),
  ]);
  return [...records, ...exceptions].flatMap((row) =>
    row.recordedBy ? [{ userId: row.recordedBy, at: row.recordedAt }] : [],
  );
}

export function storeConsentCareRelationships(
  db: ConsentCareDb,
  subjectId: string,
  relationships: readonly CareRelationship[],
  computedAt: Date,
): Promise<boolean> {
  return replaceCareRelationships(db, 'consent', subjectId, relationships, computedAt);
}
