// Identity's audit trail: who did what, when, from which certificate and
// address, and whether it was allowed. Rows are append-only (a database
// trigger refuses UPDATE and DELETE) and chained by hash
// (lib/audit/audit-event-chain.ts), so the signed checkpoints cover them.
// Details carry ids and codes, never a password, token or personal data
// beyond what identifies the target.
import type { Prisma, Role } from '../../../generated/prisma/client';
import type { Principal } from '../../../lib/access/principal';
import { chainAuditEvents, genesisHash, type AuditEventFacts } from '../../../lib/audit/audit-event-chain';
import { committerPerHandle, groupCommit } from '../../../lib/audit/group-commit';
import type { IdentityDb } from '../context';

/** pg_advisory_xact_lock key of identity's chain (rooms' is 72001, consent's 72002). */
export const auditChainLockKey = 72003;

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

/** A transaction of identity's (the event commits with what it records), or the client for a batch. */
type AuditWriter = Pick<IdentityDb, 'auditEvent' | '$executeRaw'>;

function factsOf(principal: Principal, entry: AuditEntry): AuditEventFacts {
  const user = principal.kind === 'user' ? principal : null;
  return {
    at: new Date(),
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
}

/**
 * Appends events in order after the chain's last one, holding the chain's lock until the caller's
 * transaction ends, so two transactions cannot both link to the same event.
 */
async function appendAuditEvents(tx: AuditWriter, batch: readonly AuditEventFacts[]): Promise<void> {
  if (batch.length === 0) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${auditChainLockKey})`;
  const last = await tx.auditEvent.findFirst({
    where: { hash: { not: null } },
    orderBy: { id: 'desc' },
    select: { hash: true },
  });
  const rows = chainAuditEvents(batch, last?.hash ?? genesisHash).map((row): Prisma.AuditEventCreateManyInput => ({
    ...row,
    // factsOf took the role from a principal and the details from AuditEntry: both fit the columns.
    actorRole: row.actorRole as Role | null,
    details: row.details as Prisma.InputJsonValue,
  }));
  await tx.auditEvent.createMany({ data: rows });
}

/** In the caller's transaction: the event commits (or not) with what it records. */
export function recordAudit(tx: AuditWriter, principal: Principal, entry: AuditEntry): Promise<void> {
  return appendAuditEvents(tx, [factsOf(principal, entry)]);
}

// Events written on their own (reads, refusals, failed sign-ins) of concurrent requests share one
// transaction, one lock and one commit (lib/audit/group-commit.ts), as rooms' reads do.
const standaloneEvents = committerPerHandle((db: Pick<IdentityDb, '$transaction'>) =>
  groupCommit<AuditEventFacts>((batch) => db.$transaction((tx) => appendAuditEvents(tx, batch))),
);

/** For an event that records nothing else's write: committed before it returns. */
export function recordAuditAlone(
  db: Pick<IdentityDb, '$transaction'>,
  principal: Principal,
  entry: AuditEntry,
): Promise<void> {
  return standaloneEvents(db)(factsOf(principal, entry));
}
