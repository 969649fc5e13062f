// The request id: one UUID per GraphQL request (assigned by the gateway) or
// partner FHIR request (assigned by the FHIR router), carried to the
// subgraphs in an internal header, stored with every outbox event the
// request causes (lib/outbox-table.ts), copied into the BullMQ job by the
// relay and bound into the job's logger, so one id finds every log line of a
// request and of the jobs it set off. It is for correlation only: nothing is
// decided by it. An incoming x-request-id is kept only when it is a UUID
// (bounded length and charset, no room for names or log injection);
// anything else gets a fresh id.
//
// Services reach it through AsyncLocalStorage rather than a parameter: the
// outbox writers sit deep in services that know nothing of HTTP, and a
// worker running a job sets it too, so the events a job writes carry the id
// of the request that caused the job.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { isUuid } from './input';

/** What clients and partners may send, and what the gateway and FHIR endpoint answer with. */
export const publicRequestIdHeader = 'x-request-id';
/** Gateway → subgraph (the internal prefix: gateway/subgraph-headers.ts drops it from client requests). */
export const internalRequestIdHeader = 'x-renkei-request-id';

/** A well-formed request id (lower case), or null. */
export function wellFormedRequestId(value: unknown): string | null {
  return typeof value === 'string' && isUuid(value) ? value.toLowerCase() : null;
}

/** The header's id when well formed, a fresh one otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return wellFormedRequestId(header) ?? randomUUID();
}

/** The id an HTTP entry point gave the request it is serving (kept in express' res.locals). */
export function requestIdOf(res: { locals: Record<string, unknown> }): string {
  const id = res.locals.requestId;
  if (typeof id !== 'string') throw new Error('no request id was assigned to this request');
  return id;
}

const storage = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` (and everything it awaits) as part of the request `requestId`. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
