// A user, a facility (and so its users) or a subject changed in identity
// (identity's outbox event 'directory.changed') → rooms' directory view and
// consent's known subjects are refreshed. The job reads the current facts
// through identity's service (never its tables) and hands them to rooms' and
// consent's services, stamped with the time they were read: a late or
// repeated job cannot roll a view back, and re-running it is harmless. A
// user who retired or was deleted also leaves every room.
import { directoryFactsFor, directoryChangedEvent, type DirectoryRef } from '../../subgraphs/identity';
import { recordKnownSubjects } from '../../subgraphs/consent';
import { endMembershipsOfDeparted, refreshDirectory } from '../../subgraphs/rooms';
import { eventJob, type DepsWith } from '../job-definition';

/** Also used by tests that create users or subjects without the workers running. */
export async function refreshDirectoryView(
  deps: Pick<DepsWith<'rooms' | 'consent'>, 'identity' | 'rooms' | 'consent'>,
  ref: DirectoryRef,
  at: Date = new Date(),
): Promise<void> {
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

export const directoryChanged = eventJob({
  queue: 'directory-changed',
  events: [directoryChangedEvent],
  needs: ['rooms', 'consent'],
  async process(ref, _job, deps) {
    await refreshDirectoryView(deps, ref);
  },
});
