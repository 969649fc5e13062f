// The shape of every job type: one file per type (adapters/jobs/), each
// with its queue name, a payload schema and an idempotent processor.
// Payloads hold ids and references only, never personal data: Redis keeps
// them in clear text.
import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { PrismaClient } from '../lib/database';
import type { Logger } from '../lib/logger';
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
import type { PartnerCallSettings } from './partner/partner-calls';

export interface JobDependencies {
  /** The adapters own the `integration` schema; other data goes through its owner's services. */
  db: Pick<PrismaClient, 'workerHeartbeat' | '$transaction'>;
  /** Identity's service dependencies, for jobs that act on accounts (Art. 23-2). */
  identity: Pick<IdentityDependencies, 'db' | 'settings' | 'now'>;
  /**
   * Rooms' tables, for jobs that act on rooms through rooms' services
   * (consent-withdrawn). Optional so a worker for other jobs can start
   * without it; a job that needs it fails (and is retried) when it is missing.
   */
  rooms?: SuspensionDb & SharingViewDb & DepartureDb & RoomsCareDb;
  /** Consent's tables, read only through consent's services (the sharing basis). Optional like `rooms`. */
  consent?: SharingDb & KnownSubjectsDb & ConsentCareDb;
  /** Rooms' side of the Art. 20-3 exchange and the exchange's dead letters (outbound jobs, adapters/dead-letter.ts). Optional like `rooms`. */
  outbound?: OutboundExchangeDb & DeadLetterDb;
  /** Calling partners' FHIR endpoints (Art. 20-3 outbound jobs); without it those jobs fail and are retried. */
  partnerCalls?: PartnerCallSettings;
  /** The integration tables and rooms' inbound tables, for the Art. 20-2 inbound jobs. Optional like `rooms`. */
  inbound?: InboundExchangeDb;
  logger: Logger;
  workerName: string;
}

export interface JobDefinition<Payload> {
  queue: string;
  payload: z.ZodType<Payload>;
  /** Must be safe to run twice for the same job: re-read state, exit early when stale. */
  process(payload: Payload, job: Job, deps: JobDependencies): Promise<void>;
  /** Repeating schedule, if the job runs on its own. */
  every?: number;
  /** The outbox event type(s) this job handles: adapters/outbox-relay.ts enqueues each such event here. */
  event?: string | readonly string[];
  /**
   * A partner-exchange job (either direction): retried with the exchange
   * backoff (adapters/backoff.ts) and, after its last attempt, recorded as a
   * dead letter the system admin can re-drive (adapters/dead-letter.ts).
   */
  exchange?: boolean;
}
