// After an exchange job's last attempt the worker records a dead letter
// through rooms' service (subgraphs/rooms/services/dead-letter-service.ts),
// so a request the partner never took is visible to the system admin and can
// be re-driven instead of lying forgotten in Redis. A job "dies" when it
// failed with attempts left at zero, or with an UnrecoverableError that is
// not a contract refusal (partner unknown or suspended, a payload that no
// longer parses). A contract refusal is the partner's final answer, recorded
// on the request itself, not a delivery failure. Only jobs that came from an
// outbox event are recorded (their name is the event type, which a retry
// writes again); repeatable jobs run again on their own.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../lib/logger';
import { recordDeadLetter, type DeadLetterDb } from '../subgraphs/rooms';
import type { AnyJobDefinition } from './job-definition';
import { openJobData, readJobPayload } from './job-payload';
import { PartnerCallError } from './partner/partner-client';

export function isDead(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error): boolean {
  if (error.name === 'ContractRefusal') return false;
  if (error instanceof UnrecoverableError) return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** A stable code and a summary without personal data (our own error messages hold codes and paths only). */
export function errorFacts(error: Error): { errorCode: string; errorSummary: string } {
  // The partner error's code as it was logged and recorded on the request (HTTP_503, NOT_FHIR, TIMEOUT, ...).
  if (error instanceof PartnerCallError)
    return {
      errorCode: error.code,
      errorSummary: error.operation ? `${error.operation}: ${error.message}` : error.message,
    };
  const prefixed = /^([A-Z][A-Z_]{2,40}): /.exec(error.message);
  if (prefixed) return { errorCode: prefixed[1] as string, errorSummary: error.message };
  // Anything else (a library error) may echo data: keep only its kind.
  return {
    errorCode: error.name === 'Error' ? 'ERROR' : error.name.slice(0, 60),
    errorSummary: `${error.name}; see the worker log for job details`,
  };
}

export async function deadLetterIfLast(
  db: DeadLetterDb,
  definition: Pick<AnyJobDefinition, 'queue' | 'events' | 'payload'>,
  job: Job | undefined,
  error: Error,
  logger: Logger,
): Promise<void> {
  const events = (definition.events ?? []).map((event) => event.type);
  if (!job?.id || !isDead(job, error) || !events.includes(job.name)) return;
  // Only a payload that passed its schema (ids only) is kept; anything else could hold what must not be stored.
  const read = readJobPayload(definition, job.name, openJobData(job.data));
  try {
    await recordDeadLetter(db, {
      queue: job.queueName,
      jobId: job.id,
      jobName: job.name,
      payload: read.ok ? (read.payload as object) : {},
      attempts: job.attemptsMade,
      ...errorFacts(error),
    });
    logger.warn({ queue: job.queueName, jobId: job.id, attempts: job.attemptsMade }, 'exchange job dead-lettered');
  } catch (failure) {
    // The job stays in BullMQ's failed set, so nothing is lost; the letter is what is missing.
    logger.error(
      { queue: job.queueName, jobId: job.id, err: { name: (failure as Error).name } },
      'could not record a dead letter',
    );
  }
}
