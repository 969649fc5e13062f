// Consent history per subject. Entries are appended, never changed. The
// status check and the append run in one serializable transaction, so two
// concurrent grants cannot both succeed. Form 6/7 details (who explained,
// who signed, purposes, scan) and the legal exceptions come with the
// rooms-and-consent work.
import { randomUUID } from 'node:crypto';
import { conflict } from '../../../lib/graphql-errors';
import type { Operation } from '../../../lib/access/permissions';
import type { ConsentRecord } from '../../../generated/prisma/client';
import type { ConsentDb } from '../context';
import { currentStatus, transitionProblem, type ConsentState } from '../domain/consent-rules';

/**
 * A user explains (Form 6) and obtains consent (Form 7, Art. 19); managers
 * who open rooms check it. Until room membership exists, these roles are
 * the ones who may record or read consent.
 */
export const consentRecorders: Operation[] = ['room.submit', 'room.decide'];

export async function changeConsent(db: ConsentDb, subjectId: string, next: ConsentState): Promise<ConsentRecord> {
  return db.$transaction(
    async (tx) => {
      const latest = await tx.consentRecord.findFirst({ where: { subjectId }, orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }] });
      const problem = transitionProblem(currentStatus(latest), next);
      if (problem) throw conflict(problem);
      return tx.consentRecord.create({ data: { id: randomUUID(), subjectId, state: next } });
    },
    { isolationLevel: 'Serializable' },
  );
}
