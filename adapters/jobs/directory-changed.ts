// A user, a facility (and so its users) or a subject changed in identity
// (identity's outbox event 'directory.changed') → rooms' directory view and
// consent's known subjects are refreshed. The job reads the current facts
// through identity's service (never its tables) and hands them to rooms' and
// consent's services, stamped with the time they were read: a late or
// repeated job cannot roll a view back, and re-running it is harmless. A
// user who retired or was deleted also leaves every room.
import { z } from 'zod';
import { directoryFactsFor, directoryChangedEvent, type DirectoryRef } from '../../subgraphs/identity';
import { recordKnownSubjects } from '../../subgraphs/consent';
import { endMembershipsOfDeparted, refreshDirectory } from '../../subgraphs/rooms';
import type { JobDefinition, JobDependencies } from '../job-definition';

const payload = z.union([
  z.object({ userId: z.string().uuid() }).strict(),
  z.object({ facilityId: z.string().uuid() }).strict(),
  z.object({ subjectId: z.string().uuid() }).strict(),
  z.object({ partnerId: z.string().uuid() }).strict(),
]);

/** Also used by tests that create users or subjects without the workers running. */
export async function refreshDirectoryView(
  deps: Pick<JobDependencies, 'identity' | 'rooms' | 'consent'>,
  ref: DirectoryRef,
  at: Date = new Date(),
): Promise<void> {
  if (!deps.rooms || !deps.consent)
    throw new Error('directory-changed needs the rooms and consent database handles (JobDependencies.rooms, .consent)');
  const facts = await directoryFactsFor(deps.identity.db, ref);
  // Consent first: whoever waits for rooms' view to know a subject may then rely on consent's too.
  await recordKnownSubjects(deps.consent, facts.subjectIds, at);
  await refreshDirectory(deps.rooms, facts, at);
  await endMembershipsOfDeparted(
    deps.rooms,
    facts.users.filter((user) => user.departed).map((user) => user.userId),
    at,
  );
}

export const directoryChanged: JobDefinition<z.infer<typeof payload>> = {
  queue: 'directory-changed',
  event: directoryChangedEvent,
  payload,
  async process(ref, _job, deps) {
    await refreshDirectoryView(deps, ref);
  },
};
