// Identity's part of the disclosure report (appendix 5): the subject's
// Art. 5 record and identity's audit rows about the subject (registration,
// reads, finds and refusals: every row whose target is that subject).
// Consent owns the request and hands the gateway the report's key and the
// withheld parts. Identity checks the permission itself (a refusal is
// audited against the subject), audits producing its part, then reads in
// the same transaction, so the list is exactly the rows `at <= asOf`.
import { isUuid } from '../../../lib/input';
import { badUserInput } from '../../../lib/graphql-errors';
import type { AuditEvent, Subject } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';
import { authorize } from './access-guard';
import { recordAudit } from './audit-service';

const notAReportKey = {
  en: 'This is not a disclosure report key. Ask for the report through disclosureReport.',
  ja: '開示報告書のキーではありません。disclosureReport から報告書を取得してください。',
};

export interface ReportKey {
  requestId: string;
  subjectId: string;
  asOf: string;
  withheldParts?: string[];
}

/** The shape of DisclosedAccess; `actorId` becomes the `actor` User. */
export interface IdentityAccess {
  source: 'IDENTITY';
  seq: string;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  what: string;
  outcome: string;
  roomId: null;
}

export interface IdentityPart {
  subjectRecord: Subject | null;
  identityAccesses: IdentityAccess[] | null;
}

/** Identity's trail records outcomes per operation; the report speaks the chains' READ / WRITE / DENIED. */
export function accessKind(row: Pick<AuditEvent, 'action' | 'outcome'>): 'READ' | 'WRITE' | 'DENIED' {
  if (row.outcome === 'DENIED') return 'DENIED';
  return /\.(read|find|produce)$/.test(row.action) ? 'READ' : 'WRITE';
}

export function toIdentityAccess(row: AuditEvent): IdentityAccess {
  return {
    source: 'IDENTITY',
    seq: row.id.toString(),
    at: row.at,
    actorId: row.actorId,
    actorRole: row.actorRole,
    action: accessKind(row),
    what: row.action,
    outcome: row.outcome,
    roomId: null,
  };
}

export async function produceIdentityPart(ctx: IdentityContext, key: ReportKey): Promise<IdentityPart> {
  const subjectId = isUuid(key.subjectId) ? key.subjectId : null;
  await authorize(ctx, 'disclosure.produce', { type: 'Subject', id: subjectId });
  const asOf = new Date(key.asOf);
  // Only consent mints report keys (through the gateway); a malformed one is a bug, refused without reading.
  if (!subjectId || Number.isNaN(asOf.getTime())) throw badUserInput(notAReportKey);
  // Deny by default: without the withheld parts (the gateway supplies them through @requires) nothing is disclosed.
  if (!Array.isArray(key.withheldParts)) throw badUserInput(notAReportKey);
  const withheld = key.withheldParts;
  return ctx.db.$transaction(async (tx) => {
    await recordAudit(tx, ctx.principal, {
      action: 'disclosure.produce',
      outcome: 'SUCCESS',
      targetType: 'Subject',
      targetId: subjectId,
      details: { requestId: key.requestId },
    });
    const subjectRecord = withheld.includes('SUBJECT_RECORD')
      ? null
      : await tx.subject.findUnique({ where: { id: subjectId } });
    const accesses = withheld.includes('ACCESS_HISTORY')
      ? null
      : (
          await tx.auditEvent.findMany({
            where: { targetType: 'Subject', targetId: subjectId, at: { lte: asOf } },
            orderBy: { id: 'asc' },
          })
        ).map(toIdentityAccess);
    return { subjectRecord, identityAccesses: accesses };
  });
}
