// Identity's audit trail: who did what, when, from which certificate and
// address, and whether it was allowed. Rows are append-only (a database
// trigger refuses UPDATE and DELETE). Details carry ids and codes, never a
// password, token or personal data beyond what identifies the target.
import type { Prisma } from '../../../generated/prisma/client';
import type { Principal } from '../../../lib/access/principal';
import type { IdentityDb } from '../context';

export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'FAILURE';

export interface AuditEntry {
  action: string;
  outcome: AuditOutcome;
  targetType?: string;
  targetId?: string | null;
  details?: Record<string, string | number | boolean | null>;
  /** When the actor is known but not (yet) the principal, e.g. a sign-in. */
  actorId?: string;
}

type AuditWriter = Pick<IdentityDb, 'auditEvent'>;

export async function recordAudit(db: AuditWriter, principal: Principal, entry: AuditEntry): Promise<void> {
  const user = principal.kind === 'user' ? principal : null;
  const data: Prisma.AuditEventUncheckedCreateInput = {
    action: entry.action,
    outcome: entry.outcome,
    actorId: entry.actorId ?? user?.userId ?? null,
    actorRole: user?.role ?? null,
    certificate: principal.kind === 'service' ? null : principal.certificate,
    address: principal.kind === 'service' ? null : principal.address,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
  };
  await db.auditEvent.create({ data });
}
