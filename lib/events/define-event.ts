// Events defined once (issue 12 item 4, after Hive console's workflows kit:
// a task is `defineTask({ name, schema })`, parsed when queued and when
// picked up). An event's type, version and payload schema live in one
// definition next to the code that emits it (subgraphs/<name>/events.ts, or
// lib/events/ when several owners emit it). The outbox writer parses the
// payload before writing (lib/outbox-table.ts), inside the transaction of the
// change, so a bad payload throws and nothing is half-written; the job that
// handles the event names the same definition and the worker parses the
// payload again when it picks the job up (adapters/job-payload.ts).
//
// The version is stored with each event (outbox_event.version). A change to
// a payload that old events would not pass is a new version; the relay only
// hands a worker the versions its definitions know (a worker older than the
// writer leaves newer events in the outbox for a newer worker), and the
// worker refuses a job whose version is newer than its definition.
import type { z } from 'zod';

export interface EventDefinition<Type extends string = string, Payload = unknown> {
  readonly type: Type;
  readonly version: number;
  /** Ids and references only, never personal data: Redis keeps payloads in clear text. */
  readonly payload: z.ZodType<Payload, z.ZodTypeDef, unknown>;
}

/** The payload type of an event definition (a union over a union of definitions). */
export type EventPayload<E> = E extends EventDefinition<string, infer P> ? P : never;

export function defineEvent<const Type extends string, Schema extends z.ZodTypeAny>(definition: {
  type: Type;
  version: number;
  payload: Schema;
}): EventDefinition<Type, z.output<Schema>> {
  if (!Number.isInteger(definition.version) || definition.version < 1)
    throw new Error(`event ${definition.type}: the version must be a positive integer`);
  return Object.freeze({ type: definition.type, version: definition.version, payload: definition.payload });
}

/** A payload its event's schema refuses. The message names paths and zod issue codes only, never values. */
export class InvalidEventPayload extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: readonly string[],
  ) {
    super(`INVALID_EVENT_PAYLOAD: ${eventType}: ${problems.join('; ')}`);
    this.name = 'InvalidEventPayload';
  }
}

export type ParsedPayload<P> = { ok: true; payload: P } | { ok: false; error: InvalidEventPayload };

export function safeParseEventPayload<P>(event: EventDefinition<string, P>, payload: unknown): ParsedPayload<P> {
  const parsed = event.payload.safeParse(payload);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.code}`);
  return { ok: false, error: new InvalidEventPayload(event.type, problems) };
}

/** The payload as its schema reads it, or an InvalidEventPayload thrown. */
export function parseEventPayload<P>(event: EventDefinition<string, P>, payload: unknown): P {
  const parsed = safeParseEventPayload(event, payload);
  if (!parsed.ok) throw parsed.error;
  return parsed.payload;
}
