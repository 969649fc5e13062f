// Identity's audit events chained by hash, like the access records
// (hash-chain.ts): each event's hash covers its content and the previous
// event's hash. Its own canonical form because an audit event has its own
// fields (certificate, address, target, details). Pure.
import { createHash } from 'node:crypto';
import { genesisHash } from './hash-chain';

export { genesisHash };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AuditEventFacts {
  at: Date;
  action: string;
  outcome: string;
  actorId: string | null;
  actorRole: string | null;
  certificate: string | null;
  address: string | null;
  targetType: string | null;
  targetId: string | null;
  details: JsonValue;
}

/**
 * JSON with object keys sorted at every level: PostgreSQL's jsonb gives the keys back in its own
 * order, not the order they were written in, so the hash must not depend on it.
 */
export function stableJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(value[key] as JsonValue)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The exact bytes hashed: fixed field order, explicit nulls, ISO time in UTC, details with sorted keys. */
export function auditEventCanonicalForm(facts: AuditEventFacts, prevHash: string): string {
  return JSON.stringify([
    prevHash,
    facts.at.toISOString(),
    facts.action,
    facts.outcome,
    facts.actorId,
    facts.actorRole,
    facts.certificate,
    facts.address,
    facts.targetType,
    facts.targetId,
    stableJson(facts.details),
  ]);
}

export function auditEventHash(facts: AuditEventFacts, prevHash: string): string {
  return createHash('sha256').update(auditEventCanonicalForm(facts, prevHash)).digest('hex');
}

/** Chains a batch after `prevHash`, in order: what each row stores. */
export function chainAuditEvents<T extends AuditEventFacts>(
  batch: readonly T[],
  prevHash: string,
): Array<T & { prevHash: string; hash: string }> {
  let previous = prevHash;
  return batch.map((facts) => {
    const row = { ...facts, prevHash: previous, hash: auditEventHash(facts, previous) };
    previous = row.hash;
    return row;
  });
}
