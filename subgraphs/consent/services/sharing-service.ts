// A subject's sharing basis as of now, for other parts of the system (the
// adapters keep rooms' view, rooms.subject_sharing, current from it). The
// same pure rule as Subject.sharingBasis (domain/sharing-rules.ts).
import type { PrismaClient } from '../../../lib/database';
import { todayInJapan } from '../domain/calendar';
import { currentStatus } from '../domain/consent-rules';
import { sharingBasis, type SharingBasis } from '../domain/sharing-rules';
import { joinConsentSummary } from '../domain/join-consent-rules';

export type SharingDb = Pick<PrismaClient, 'consentRecord' | 'legalException'>;

export async function sharingBasisOf(db: SharingDb, subjectId: string, at: Date): Promise<SharingBasis> {
  const [latest, exceptions] = await Promise.all([
    db.consentRecord.findFirst({ where: { subjectId }, orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }] }),
    db.legalException.findMany({ where: { subjectId, endedAt: null } }),
  ]);
  const facts = exceptions.map((e) => ({
    basis: e.basis,
    reviewOn: e.reviewOn.toISOString().slice(0, 10),
    endedAt: e.endedAt,
  }));
  return sharingBasis(currentStatus(latest), facts, todayInJapan(at));
}

/**
 * The summary of the subject's current consent for a partner join Task
 * (adapters/jobs/outbound-join-send.ts), or null when it is not granted now.
 */
export async function joinConsentOf(db: Pick<SharingDb, 'consentRecord'>, subjectId: string) {
  const latest = await db.consentRecord.findFirst({
    where: { subjectId },
    orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }],
    select: { state: true, signedBy: true, relationship: true, signedOn: true, purposes: true },
  });
  return joinConsentSummary(latest);
}
