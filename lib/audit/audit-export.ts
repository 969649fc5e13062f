// The core of `npm run audit:export` (scripts/audit-export.ts): the access
// trails as NDJSON, one BALP AuditEvent per line (balp-audit-event.ts).
// Each trail is read in pages by its key (seq, or id for identity), so
// memory stays bounded however long the trail is; trails come in the order
// rooms, consent, identity, each in its own key order. Every resource is
// validated before it is written: an invalid one stops the export with the
// record it came from (a bug on our side must not reach the audit repository).
import type { PrismaClient } from '../../generated/prisma/client';
import {
  accessRecordToAuditEvent,
  identityEventToAuditEvent,
  type AuditEventIssue,
  type AuditEventResource,
  type AuditTrail,
} from './balp-audit-event';

export const auditTrails: readonly AuditTrail[] = ['rooms', 'consent', 'identity'];

export interface AuditExportOptions {
  trails: readonly AuditTrail[];
  /** Records at or after this instant. */
  since?: Date;
  /** Records before this instant. */
  until?: Date;
  /** This installation's FHIR base URL: the identifier systems derive from it. */
  fhirBaseUrl: string;
  /**
   * The issues of one resource, empty when valid: R4 structure and
   * AuditEvent's required bindings (scripts/audit-export.ts gives
   * adapters/fhir/validator.ts's validateR4 plus auditEventBindingIssues).
   */
  validate: (resource: AuditEventResource) => AuditEventIssue[];
  pageSize?: number;
}

export class AuditExportError extends Error {}

type Db = Pick<PrismaClient, 'roomsAccessRecord' | 'consentAccessRecord' | 'auditEvent'>;

/** One page of a trail after `after`, already mapped; empty at the end. */
type PageReader = (after: bigint, take: number) => Promise<Array<{ key: bigint; resource: AuditEventResource }>>;

function atFilter(options: AuditExportOptions): { at?: { gte?: Date; lt?: Date } } {
  if (!options.since && !options.until) return {};
  return { at: { ...(options.since ? { gte: options.since } : {}), ...(options.until ? { lt: options.until } : {}) } };
}

function pageReader(db: Db, trail: AuditTrail, options: AuditExportOptions): PageReader {
  const at = atFilter(options);
  switch (trail) {
    case 'rooms':
      return async (after, take) =>
        (
          await db.roomsAccessRecord.findMany({ where: { seq: { gt: after }, ...at }, orderBy: { seq: 'asc' }, take })
        ).map((row) => ({ key: row.seq, resource: accessRecordToAuditEvent('rooms', row, options.fhirBaseUrl) }));
    case 'consent':
      return async (after, take) =>
        (
          await db.consentAccessRecord.findMany({ where: { seq: { gt: after }, ...at }, orderBy: { seq: 'asc' }, take })
        ).map((row) => ({ key: row.seq, resource: accessRecordToAuditEvent('consent', row, options.fhirBaseUrl) }));
    case 'identity':
      return async (after, take) =>
        (
          await db.auditEvent.findMany({
            where: { id: { gt: after }, ...at },
            orderBy: { id: 'asc' },
            take,
            // Not details, certificate or address: only ids and codes leave.
            select: {
              id: true,
              at: true,
              action: true,
              outcome: true,
              actorId: true,
              actorRole: true,
              targetType: true,
              targetId: true,
            },
          })
        ).map((row) => ({ key: row.id, resource: identityEventToAuditEvent(row, options.fhirBaseUrl) }));
  }
}

/**
 * Writes every selected record as one NDJSON line through `write` (which
 * may wait, e.g. for a stream to drain). Returns how many were written per trail.
 */
export async function exportAuditEvents(
  db: Db,
  options: AuditExportOptions,
  write: (chunk: string) => Promise<void> | void,
): Promise<Record<AuditTrail, number>> {
  const pageSize = options.pageSize ?? 1000;
  const written: Record<AuditTrail, number> = { rooms: 0, consent: 0, identity: 0 };
  for (const trail of auditTrails) {
    if (!options.trails.includes(trail)) continue;
    const read = pageReader(db, trail, options);
    let after = 0n;
    for (;;) {
      const page = await read(after, pageSize);
      if (page.length === 0) break;
      let chunk = '';
      for (const { key, resource } of page) {
        const issues = options.validate(resource);
        if (issues.length > 0)
          throw new AuditExportError(
            `${trail} record ${key} does not map to a valid R4 AuditEvent: ` +
              issues.map((i) => `${i.expression}: ${i.message}`).join('; '),
          );
        chunk += `${JSON.stringify(resource)}\n`;
      }
      await write(chunk);
      written[trail] += page.length;
      after = page[page.length - 1]!.key;
    }
  }
  return written;
}
