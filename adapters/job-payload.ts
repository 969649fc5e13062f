// What a job carries in Redis, and how a worker reads it back. The relay
// (adapters/outbox-relay.ts) adds an outbox event as
// { version, requestId, payload }: the payload is the event's domain data
// only, the version and request id travel beside it (as they sit beside it
// in the outbox row). When the job is picked up the payload is parsed with
// the schema of the event named by the job's name (its type), or with a
// scheduled job's own schema. The request id is only trusted to be a UUID
// (lib/request-id.ts) and only used to correlate logs.
//
// Data without a `payload` key is a job added before this envelope existed
// (or by hand): it is read as the payload itself, with no version or request id.
// `outbox` names the outbox the event came from, so that the worker can mark
// it processed when its job has finished for good (lib/outbox-table.ts).
import type { Prisma } from '../generated/prisma/client';
import { safeParseEventPayload } from '../lib/events/define-event';
import type { OutboxEvent } from '../lib/outbox-table';
import { wellFormedRequestId } from '../lib/request-id';
import type { AnyJobDefinition } from './job-definition';

export interface JobData {
  version?: number;
  requestId?: string;
  /** The outbox the event came from (its source's name). */
  outbox?: string;
  payload: Prisma.JsonValue;
}

/** The job data for an event of the outbox named `outbox`. */
export function eventJobData(event: Pick<OutboxEvent, 'version' | 'requestId' | 'payload'>, outbox: string): JobData {
  return {
    version: event.version,
    ...(event.requestId ? { requestId: event.requestId } : {}),
    outbox,
    payload: event.payload,
  };
}

export interface OpenedJobData {
  payload: unknown;
  version: number | undefined;
  requestId: string | undefined;
  outbox: string | undefined;
}

export function openJobData(data: unknown): OpenedJobData {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, 'payload'))
    return { payload: data, version: undefined, requestId: undefined, outbox: undefined };
  const envelope = data as { payload: unknown; version?: unknown; requestId?: unknown; outbox?: unknown };
  return {
    payload: envelope.payload,
    version: typeof envelope.version === 'number' && Number.isInteger(envelope.version) ? envelope.version : undefined,
    requestId: wellFormedRequestId(envelope.requestId) ?? undefined,
    outbox: typeof envelope.outbox === 'string' ? envelope.outbox : undefined,
  };
}

export type ReadPayload = { ok: true; payload: unknown } | { ok: false; reason: string };

/** The job's payload as its definition reads it; the reason names no values (they could be anything). */
export function readJobPayload(
  definition: Pick<AnyJobDefinition, 'queue' | 'events' | 'payload'>,
  jobName: string,
  opened: Pick<OpenedJobData, 'payload' | 'version'>,
): ReadPayload {
  if (definition.events) {
    const event = definition.events.find((e) => e.type === jobName);
    if (!event) return { ok: false, reason: `${definition.queue} handles no event of this job's name` };
    if (opened.version !== undefined && opened.version > event.version)
      return {
        ok: false,
        reason: `${event.type} version ${opened.version} is newer than this worker's ${event.version}`,
      };
    const parsed = safeParseEventPayload(event, opened.payload);
    return parsed.ok ? parsed : { ok: false, reason: parsed.error.message };
  }
  if (!definition.payload) return { ok: false, reason: `${definition.queue} has no payload schema` };
  const parsed = definition.payload.safeParse(opened.payload);
  return parsed.success
    ? { ok: true, payload: parsed.data }
    : { ok: false, reason: 'the payload does not match its schema' };
}
