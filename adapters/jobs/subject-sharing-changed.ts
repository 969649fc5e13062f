// Consent granted, a legal exception recorded or ended (consent's outbox
// events) → rooms' view of the subject's sharing basis is refreshed. The job
// reads the current basis through consent's service (never its tables) and
// hands it to rooms' service, stamped with the time it was read: a late or
// repeated job cannot roll the view back, and re-running it is harmless.
import {
  consentGrantedEvent,
  legalExceptionEndedEvent,
  legalExceptionRecordedEvent,
  sharingBasisOf,
} from '../../subgraphs/consent';
import { refreshSubjectSharing } from '../../subgraphs/rooms';
import { eventJob, type DepsWith } from '../job-definition';

/** Shared with the consent-withdrawn job. */
export async function refreshSharingView(
  deps: Pick<DepsWith<'rooms' | 'consent'>, 'rooms' | 'consent'>,
  subjectId: string,
  eventAt: Date = new Date(),
): Promise<void> {
  const { allowed, basis, validThrough } = await sharingBasisOf(deps.consent, subjectId, eventAt);
  await refreshSubjectSharing(deps.rooms, { subjectId, allowed, basis, validThrough, eventAt });
}

export const subjectSharingChanged = eventJob({
  queue: 'subject-sharing-changed',
  events: [consentGrantedEvent, legalExceptionRecordedEvent, legalExceptionEndedEvent],
  needs: ['rooms', 'consent'],
  async process({ subjectId }, _job, deps) {
    await refreshSharingView(deps, subjectId);
  },
});
