// A legal exception's review date passes → rooms stops trusting it. No event
// fires on a date, so this repeatable job looks for rooms' sharing views that
// still say "allowed" on an exception basis past its last day, re-reads the
// basis from consent (an exception may have been renewed or consent given
// meanwhile) and, if sharing is no longer allowed, suspends the subject's
// open rooms and tells their managers, like a withdrawal. Idempotent: the
// view only moves forward, the suspension is conditional and its notice is
// keyed by the subject and the lapsed day.
import { z } from 'zod';
import { sharingAllowed, lapsedSharingViews, suspendRoomsOfSubject } from '../../subgraphs/rooms';
import { scheduledJob } from '../job-definition';
import { refreshSharingView } from './subject-sharing-changed';

export const sharingReview = scheduledJob({
  queue: 'sharing-review',
  payload: z.object({}).strict(),
  every: 60 * 60 * 1000,
  needs: ['rooms', 'consent'],
  async process(_payload, job, deps) {
    const { rooms, logger } = deps;
    const now = deps.identity.now();
    for (const lapsed of await lapsedSharingViews(rooms, now)) {
      await refreshSharingView(deps, lapsed.subjectId, now);
      if (sharingAllowed(await rooms.subjectSharing.findUnique({ where: { subjectId: lapsed.subjectId } }), now))
        continue;
      const suspended = await suspendRoomsOfSubject(
        rooms,
        {
          subjectId: lapsed.subjectId,
          causeId: `basis-lapsed:${lapsed.subjectId}:${lapsed.validThrough}`,
          cause: 'SHARING_BASIS_LAPSED',
        },
        now,
      );
      if (suspended.length > 0)
        logger.info({ jobId: job.id, rooms: suspended }, 'rooms suspended: legal exception past its review date');
    }
  },
});
