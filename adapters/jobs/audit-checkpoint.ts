// Issue 14: at intervals, the heads of the access chains (rooms, consent) are
// signed with a key the database never sees and appended to the checkpoint
// files (lib/audit/checkpoints.ts says why), as `npm run audit:checkpoint`
// does on demand. A trail that no longer agrees with its last checkpoint is
// not signed; that is logged as an error for the operators, with the record
// it names and no personal data, and counted (renkei_audit_chain_verifications_total,
// which an alert rule watches).
import { z } from 'zod';
import { checkpointTrails } from '../../lib/audit/checkpoint-runs';
import { scheduledJob } from '../job-definition';

export const auditCheckpoint = scheduledJob({
  queue: 'audit-checkpoint',
  payload: z.object({}).strict(),
  every: 5 * 60_000,
  needs: ['auditCheckpoints'],
  async process(_payload, _job, { auditCheckpoints, logger, metrics }) {
    for (const outcome of await checkpointTrails(auditCheckpoints.db, auditCheckpoints, new Date())) {
      metrics?.chainVerifications.inc({ trail: outcome.trail, result: outcome.ok ? 'ok' : outcome.failure });
      if (outcome.ok)
        logger.info(
          { trail: outcome.trail, seq: outcome.checkpoint.seq, records: outcome.checkpoint.records },
          'signed an access chain checkpoint',
        );
      else
        // Either the chain no longer agrees (nothing signed) or the syslog collector did not take the line.
        logger.error({ trail: outcome.trail, problem: outcome.problem }, 'access chain checkpoint not completed');
    }
  },
});

/** The job's interval from the configured minutes (AUDIT_CHECKPOINT_MINUTES), as an `every` override by queue. */
export function auditCheckpointEvery(settings: { everyMinutes: number } | undefined): Record<string, number> {
  return settings?.everyMinutes ? { [auditCheckpoint.queue]: settings.everyMinutes * 60_000 } : {};
}
