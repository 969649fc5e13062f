// Consent granted, a legal exception recorded or ended (consent's outbox
// events) → rooms' view of the subject's sharing basis is refreshed. The job
// reads the current basis through consent's service (never its tables) and
// hands it to rooms' service, stamped with the time it was read: a late or
// repeated job cannot roll the view back, and re-running it is harmless.
import { z } from 'zod';
import {
  consentGrantedEvent,
  legalExceptionEndedEvent,
  legalExceptionRecordedEvent,
  sharingBasisOf,
} from '../../subgraphs/consent';
import { refreshSubjectSharing } from '../../subgraphs/rooms';
import type { JobDefinition, JobDependencies } from '../job-definition';

const payload = z.union([
  z.object({ subjectId: z.string().uuid(), consentRecordId: z.string().uuid() }).strict(),
  z.object({ subjectId: z.string().uuid(), exceptionId: z.string().uuid() }).strict(),
]);

/** Shared with the consent-withdrawn job. */
export async function refreshSharingView(
  deps: JobDependencies,
  subjectId: string,
  eventAt: Date = new Date(),
): Promise<void> {
  if (!deps.rooms || !deps.consent)
    throw new Error('the sharing view needs the rooms and consent database handles (JobDependencies.rooms, .consent)');
  const { allowed, basis, validThrough } = await sharingBasisOf(deps.consent, subjectId, eventAt);
  await refreshSubjectSharing(deps.rooms, { subjectId, allowed, basis, validThrough, eventAt });
}

export const subjectSharingChanged: JobDefinition<z.infer<typeof payload>> = {
  queue: 'subject-sharing-changed',
  event: [consentGrantedEvent, legalExceptionRecordedEvent, legalExceptionEndedEvent],
  payload,
  async process({ subjectId }, _job, deps) {
    await refreshSharingView(deps, subjectId);
  },
};
