// Art. 20-3 delivery after Redis lost its data: every 15 minutes, outbound
// join requests that should have a send or poll job but have seen nothing
// for longer than any retry or poll wait get that job again through rooms'
// outbox (rooms' redriveQuietRequests). Ids only; idempotent like the jobs
// it re-drives.
import { z } from 'zod';
import { redriveQuietRequests } from '../../subgraphs/rooms';
import { scheduledJob } from '../job-definition';

/** Longer than the longest poll wait (partnerCalls.poll.maxDelayMs) and the send job's whole retry series. */
export const quietMarginMs = 60 * 60_000;

export const exchangeRedrive = scheduledJob({
  queue: 'exchange-redrive',
  payload: z.object({}).strict(),
  every: 15 * 60_000,
  needs: ['outbound', 'partnerCalls'],
  async process(_payload, job, deps) {
    const { outbound, partnerCalls } = deps;
    const now = new Date();
    const redriven = await redriveQuietRequests(
      outbound,
      new Date(now.getTime() - partnerCalls.poll.maxDelayMs - quietMarginMs),
      50,
      now,
    );
    if (redriven.length > 0)
      deps.logger.warn({ jobId: job.id, requests: redriven }, 'outbound joins re-driven: their jobs were lost');
  },
});
