// Consent withdrawn (consent's outbox event 'consent.withdrawn') → the
// subject's open rooms are suspended and their managers told, through rooms'
// own service (same rules, same access records). Idempotent: the service only
// suspends OPEN rooms and keys each notice by the withdrawal and the room, so
// a retry, a duplicate or a re-run for the same withdrawal changes nothing.
// The withdrawal is named by its consent record id (one per withdrawal, in
// the payload) rather than the job id, so even a job added again under a new
// id is recognised.
import { consentWithdrawnEvent } from '../../subgraphs/consent';
import { suspendRoomsOfSubject } from '../../subgraphs/rooms';
import { eventJob } from '../job-definition';
import { refreshSharingView } from './subject-sharing-changed';

export const consentWithdrawn = eventJob({
  queue: 'consent-withdrawn',
  events: [consentWithdrawnEvent],
  needs: ['rooms', 'consent'],
  async process({ subjectId, consentRecordId }, job, deps) {
    const { rooms, logger } = deps;
    const suspended = await suspendRoomsOfSubject(rooms, {
      subjectId,
      causeId: `consent-withdrawn:${consentRecordId}`,
      cause: 'CONSENT_WITHDRAWN',
    });
    if (suspended.length > 0) logger.info({ jobId: job.id, rooms: suspended }, 'rooms suspended: consent withdrawn');
    // Rooms' sharing view follows (an exception in force may still allow sharing).
    await refreshSharingView(deps, subjectId);
  },
});
