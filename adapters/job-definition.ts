// The shape of every job type: one file per type (adapters/jobs/), each
// with its queue name, its payload and an idempotent processor. A job that
// handles outbox events names their definitions (lib/events/define-event.ts)
// and its payload is theirs, parsed when the event was written and again
// when the job is picked up; a job that runs on a schedule has its own
// schema. Payloads hold ids and references only, never personal data: Redis
// keeps them in clear text.
//
// A job declares the optional dependencies it needs (`needs`); its processor
// receives them as present, and the worker refuses to start when a
// registered job needs one it was not given (adapters/workers.ts), instead of
// the job failing on every attempt.
import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { EventDefinition, EventPayload } from '../lib/events/define-event';
import type { PrismaClient } from '../lib/database';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics/metrics';
import type { IdentityDependencies } from '../subgraphs/identity';
import {
  type SuspensionDb,
  type SharingViewDb,
  type DepartureDb,
  type OutboundExchangeDb,
  type DeadLetterDb,
  type RoomsCareDb,
} from '../subgraphs/rooms';
import { type SharingDb, type KnownSubjectsDb, type ConsentCareDb } from '../subgraphs/consent';
import type { InboundExchangeDb } from './fhir/inbound-task-service';
import type { TaskSubscriptionDb } from './fhir/subscriptions/subscription-service';
import type { OutboundSubscriptionDb } from './partner/outbound-subscriptions';
import type { PartnerCallSettings } from './partner/partner-calls';
import type { AuditCheckpointSettings } from '../lib/audit/checkpoint-runs';
import type { CertificateExpirySettings } from './jobs/certificate-expiry';

export interface JobDependencies {
  /** The adapters own the `integration` schema; other data goes through its owner's services. */
  db: Pick<PrismaClient, 'workerHeartbeat' | '$transaction'>;
  /** Identity's service dependencies, for jobs that act on accounts (Art. 23-2). */
  identity: Pick<IdentityDependencies, 'db' | 'settings' | 'now' | 'principalsChanged'>;
  /** Rooms' tables, for jobs that act on rooms through rooms' services. A job that needs it says so (`needs`). */
  rooms?: SuspensionDb & SharingViewDb & DepartureDb & RoomsCareDb;
  /** Consent's tables, read only through consent's services (the sharing basis). */
  consent?: SharingDb & KnownSubjectsDb & ConsentCareDb;
  /** Rooms' side of the Art. 20-3 exchange and the exchange's dead letters (outbound jobs, adapters/dead-letter.ts). */
  outbound?: OutboundExchangeDb & DeadLetterDb;
  /** Calling partners' FHIR endpoints (Art. 20-3 outbound jobs). */
  partnerCalls?: PartnerCallSettings;
  /**
   * The integration tables and rooms' inbound tables, for the Art. 20-2 inbound jobs (and partners' Task
   * subscriptions), and our own subscriptions at partners (outbound push).
   */
  inbound?: InboundExchangeDb & TaskSubscriptionDb & OutboundSubscriptionDb;
  /** Signing the access chains' heads (issue 14): the two trails' tables, the key file and the checkpoint directory. */
  auditCheckpoints?: AuditCheckpointSettings;
  /** The certificate expiry job's thresholds and watched files (default: 30 and 7 days, the terminal registry only). */
  certificateExpiry?: CertificateExpirySettings;
  /** Job counts, the outbox lag and dead letters at scrape time, and what jobs count (lib/metrics); none: nothing. */
  metrics?: Metrics;
  /** In a processor: the job's own logger, bound to its request id, job id and queue. */
  logger: Logger;
  workerName: string;
}

/** The dependencies a worker may run without; a job that needs one lists it. */
export type JobNeed = 'rooms' | 'consent' | 'outbound' | 'partnerCalls' | 'inbound' | 'auditCheckpoints';
export const jobNeeds: readonly JobNeed[] = [
  'rooms',
  'consent',
  'outbound',
  'partnerCalls',
  'inbound',
  'auditCheckpoints',
];

/** The dependencies with the needed ones present. */
export type DepsWith<N extends JobNeed> = JobDependencies & { [K in N]-?: NonNullable<JobDependencies[K]> };

export interface JobDefinition<Payload, N extends JobNeed = never> {
  queue: string;
  /**
   * The outbox events this job handles: adapters/outbox-relay.ts adds each
   * to this queue, named by its type, and the payload is read with the
   * event's own schema. Absent for a job that is not event-driven.
   */
  events?: ReadonlyArray<EventDefinition<string, Payload>>;
  /** The payload schema of a job that is not event-driven. */
  payload?: z.ZodType<Payload, z.ZodTypeDef, unknown>;
  /** What the processor uses beyond db, identity and logger. */
  needs: readonly N[];
  /** Must be safe to run twice for the same job: re-read state, exit early when stale. */
  process(payload: Payload, job: Job, deps: DepsWith<N>): Promise<void>;
  /** Repeating schedule, if the job runs on its own. */
  every?: number;
  /**
   * A partner-exchange job (either direction): retried with the exchange
   * backoff (adapters/backoff.ts) and, after its last attempt, recorded as a
   * dead letter the system admin can re-drive (adapters/dead-letter.ts).
   */
  exchange?: boolean;
}

/** Any job, as the worker and the registry hold them. */
export type AnyJobDefinition = JobDefinition<unknown, JobNeed>;

type EventJobSpec<E extends readonly EventDefinition[], N extends JobNeed> = Omit<
  JobDefinition<EventPayload<E[number]>, N>,
  'events' | 'payload' | 'needs'
> & { events: E; needs?: readonly N[] };

/** A job that handles outbox events; its payload type is the union of theirs. */
export function eventJob<const E extends readonly EventDefinition[], N extends JobNeed = never>(
  spec: EventJobSpec<E, N>,
): JobDefinition<EventPayload<E[number]>, N> {
  return { ...spec, needs: spec.needs ?? [] } as JobDefinition<EventPayload<E[number]>, N>;
}

type ScheduledJobSpec<Payload, N extends JobNeed> = Omit<JobDefinition<Payload, N>, 'events' | 'needs' | 'every'> & {
  payload: z.ZodType<Payload, z.ZodTypeDef, unknown>;
  every: number;
  needs?: readonly N[];
};

/** A job that runs on its own schedule, with its own payload schema. */
export function scheduledJob<Payload, N extends JobNeed = never>(
  spec: ScheduledJobSpec<Payload, N>,
): JobDefinition<Payload, N> {
  return { ...spec, needs: spec.needs ?? [] };
}

/** The needs of a job that the given dependencies do not provide. */
export function missingNeeds(
  definition: Pick<AnyJobDefinition, 'needs'>,
  deps: Partial<Pick<JobDependencies, JobNeed>>,
): JobNeed[] {
  return definition.needs.filter((need) => deps[need] === undefined);
}
