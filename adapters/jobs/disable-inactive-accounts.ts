// Art. 23-2: accounts unused for INACTIVITY_DAYS are disabled and their
// sessions ended, through identity's own service (same rules, same audit).
// Idempotent: an account already disabled is not touched again.
import { z } from 'zod';
import { disableInactiveAccounts as disable } from '../../subgraphs/identity';
import { scheduledJob } from '../job-definition';

export const disableInactiveAccounts = scheduledJob({
  queue: 'disable-inactive-accounts',
  payload: z.object({}).strict(),
  every: 6 * 60 * 60 * 1000,
  async process(_payload, _job, { identity, logger }) {
    const count = await disable(identity);
    if (count > 0) logger.info({ count }, 'disabled inactive accounts');
  },
});
