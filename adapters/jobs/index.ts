import type { JobDefinition } from '../job-definition';
import { workerHeartbeat } from './worker-heartbeat';

/** Every job type the worker runs. */
export const jobDefinitions: ReadonlyArray<JobDefinition<never>> = [workerHeartbeat as JobDefinition<never>];
