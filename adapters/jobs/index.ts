import type { JobDefinition } from '../job-definition';
import { consentWithdrawn } from './consent-withdrawn';
import { directoryChanged } from './directory-changed';
import { disableInactiveAccounts } from './disable-inactive-accounts';
import { sharingReview } from './sharing-review';
import { subjectSharingChanged } from './subject-sharing-changed';
import { workerHeartbeat } from './worker-heartbeat';

/** Every job type the worker runs. */
export const jobDefinitions: ReadonlyArray<JobDefinition<never>> = [
  workerHeartbeat as JobDefinition<never>,
  disableInactiveAccounts as JobDefinition<never>,
  consentWithdrawn as JobDefinition<never>,
  subjectSharingChanged as JobDefinition<never>,
  sharingReview as JobDefinition<never>,
  directoryChanged as JobDefinition<never>,
];
