// A registered subject whose data may be shared, for tests about what happens in a room
// rather than about consent: Forms 6/7 recorded through the real graph, then
// rooms' sharing view brought up to date with the very function the
// subject-sharing-changed job runs (tests without workers have no job to
// wait for; with workers the job's later run changes nothing).
import { randomUUID } from 'node:crypto';
import { refreshSharingView } from '../../adapters/jobs/subject-sharing-changed';
import type { DepsWith, JobNeed } from '../../adapters/job-definition';
import type { Actor } from './actors';
import { registeredSubject, syncCare } from './directory-fixtures';
import { graphql } from './graphql-client';
import { silentLogger } from './silent-logger';
import type { TestSystem } from './test-system';

const recordConsent = `mutation($input: ConsentInput!) { recordConsent(input: $input) { id } }`;

/** `recorder` needs room.submit or room.decide (a USER or a deciding manager); it registers the subject, so it is related to it. Returns the subject id. */
export async function subjectWithConsent(
  t: TestSystem,
  recorder: Actor,
  subjectId: string = randomUUID(),
): Promise<string> {
  await registeredSubject(t, subjectId, recorder);
  const recorded = await graphql(
    t.graphqlUrl,
    recordConsent,
    {
      input: {
        subjectId,
        explanation: { explainedOn: '2025-04-01' },
        signature: { signedBy: 'SUBJECT', signedOn: '2025-04-01' },
        purposes: ['PROVIDE_SERVICES'],
      },
    },
    recorder.headers,
  );
  if (recorded.errors) throw new Error(`recordConsent failed: ${JSON.stringify(recorded.errors)}`);
  await syncCare(t, subjectId);
  await syncSharingView(t, subjectId);
  return subjectId;
}

/** What the subject-sharing-changed job does for one subject, run now. */
export async function syncSharingView(t: TestSystem, subjectId: string): Promise<void> {
  const deps = { rooms: t.db.prisma, consent: t.db.prisma, logger: silentLogger } as unknown as DepsWith<JobNeed>;
  await refreshSharingView(deps, subjectId);
}
