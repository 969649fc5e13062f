// A care fact changed somewhere (care.changed, written by identity, rooms or
// consent in the transaction of the change) → the subject's care
// relationships are computed again from the facts all three owners hold,
// each read through its owner's service, and the whole set replaces the
// subject's set in each owner's view (identity, rooms, consent), stamped
// with the time the facts were read: a late or repeated job cannot roll a
// view back, and re-running it is harmless. An existence check names no
// subject id: the job asks identity which subjects its question names.
//
// The backfill repeats hourly and computes the relationships of subjects
// that no view has a set for yet (subjects from before this job existed).
import { z } from 'zod';
import { careRelationships } from '../../lib/access/care-relationship';
import { careChangedEvent, type CareChangedPayload } from '../../lib/events/care-changed';
import {
  facilitiesOfUsers,
  registrationStep,
  storeIdentityCareRelationships,
  subjectQuestionKey,
  subjectsNamedBy,
  subjectsWithoutCareSet,
} from '../../subgraphs/identity';
import { existenceCheckQuestion, roomsCareFacts, storeRoomsCareRelationships } from '../../subgraphs/rooms';
import { consentRecorders, storeConsentCareRelationships } from '../../subgraphs/consent';
import { eventJob, scheduledJob, type DepsWith } from '../job-definition';

export type CareDeps = Pick<DepsWith<'rooms' | 'consent'>, 'identity' | 'rooms' | 'consent'>;

/** Computes one subject's relationships now and stores them in the three views. Also used by tests without workers. */
export async function refreshCareRelationships(deps: CareDeps, subjectId: string): Promise<void> {
  const db = { identity: deps.identity.db, rooms: deps.rooms, consent: deps.consent };
  const computedAt = new Date();
  const [registration, question, recorders] = await Promise.all([
    registrationStep(db.identity, subjectId),
    subjectQuestionKey(db.identity, subjectId),
    consentRecorders(db.consent, subjectId),
  ]);
  const roomFacts = await roomsCareFacts(db.rooms, subjectId, question);
  const facilities = await facilitiesOfUsers(
    db.identity,
    recorders.map((r) => r.userId),
  );
  // An unknown subject has no relationships: storing the empty set keeps every view at "nobody".
  const relationships = registration.known
    ? careRelationships({
        subjectId,
        registration: registration.step,
        ...roomFacts,
        consentSteps: recorders.map((r) => ({
          userId: r.userId,
          facilityId: facilities.get(r.userId) ?? null,
          at: r.at,
        })),
      })
    : [];
  await storeIdentityCareRelationships(db.identity, subjectId, relationships, computedAt);
  await storeRoomsCareRelationships(db.rooms, subjectId, relationships, computedAt);
  await storeConsentCareRelationships(db.consent, subjectId, relationships, computedAt);
}

export async function refreshCareFor(deps: CareDeps, ref: CareChangedPayload): Promise<void> {
  if ('subjectId' in ref) return refreshCareRelationships(deps, ref.subjectId);
  const question = await existenceCheckQuestion(deps.rooms, ref.existenceCheckId);
  if (!question) return;
  for (const subjectId of await subjectsNamedBy(deps.identity.db, question.nameKana, question.birthDate))
    await refreshCareRelationships(deps, subjectId);
}

export const careRelationshipsChanged = eventJob({
  queue: 'care-relationships-changed',
  events: [careChangedEvent],
  needs: ['rooms', 'consent'],
  async process(ref, _job, deps) {
    await refreshCareFor(deps, ref);
  },
});

const backfillBatch = 500;

export const careRelationshipsBackfill = scheduledJob({
  queue: 'care-relationships-backfill',
  every: 60 * 60 * 1000,
  payload: z.object({}).strict(),
  needs: ['rooms', 'consent'],
  async process(_payload, _job, deps) {
    for (const subjectId of await subjectsWithoutCareSet(deps.identity.db, backfillBatch))
      await refreshCareRelationships(deps, subjectId);
  },
});
