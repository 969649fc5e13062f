// Consent's part of the disclosure report (appendix 5): the consent entries,
// the legal exceptions and consent's access records about the subject.
// The report is a federated entity keyed by (requestId, subjectId, asOf);
// rooms and identity add their own parts to it, each from its own tables.
//
// Which access records a report lists: every record about the subject whose
// time is at or before `asOf`. For an export, asOf is the export's instant,
// so the export's own record in consent's chain is listed; the records that
// rooms and identity append when they produce their parts come after it and
// appear in the next report. Callers append their own record before reading,
// so a record stamped in the same millisecond as asOf is listed too, and the
// list is exactly what a query `at <= asOf` finds in the table.
import type {
  ConsentAccessRecord,
  ConsentRecord,
  DisclosureWithholding,
  LegalException,
} from '../../../generated/prisma/client';
import type { ConsentDb } from '../context';
import { discloses, withheldAsOf } from '../domain/disclosure-rules';
import { withholdingsOf } from './disclosure-request-service';

/** What consent hands the gateway for a report; rooms and identity receive the key and the withheld parts. */
export interface ReportRef {
  requestId: string;
  subjectId: string;
  asOf: Date;
  withheld: DisclosureWithholding[];
}

export interface DisclosedAccess {
  source: 'IDENTITY' | 'ROOMS' | 'CONSENT';
  seq: string;
  at: Date;
  actor: { __typename: 'User'; id: string } | null;
  actorRole: string | null;
  action: string;
  what: string;
  outcome: string;
  roomId: string | null;
}

export async function reportRef(
  db: ConsentDb,
  request: { id: string; subjectId: string },
  asOf: Date,
): Promise<ReportRef> {
  return {
    requestId: request.id,
    subjectId: request.subjectId,
    asOf,
    withheld: withheldAsOf(await withholdingsOf(db, request.id), asOf),
  };
}

const partsOf = (ref: ReportRef) => ref.withheld.map((w) => w.part);

export function consentRecordsPart(db: ConsentDb, ref: ReportRef): Promise<ConsentRecord[]> | null {
  if (!discloses(partsOf(ref), 'CONSENT')) return null;
  return db.consentRecord.findMany({
    where: { subjectId: ref.subjectId, recordedAt: { lte: ref.asOf } },
    orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
  });
}

export function legalExceptionsPart(db: ConsentDb, ref: ReportRef): Promise<LegalException[]> | null {
  if (!discloses(partsOf(ref), 'LEGAL_EXCEPTIONS')) return null;
  return db.legalException.findMany({
    where: { subjectId: ref.subjectId, recordedAt: { lte: ref.asOf } },
    orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
  });
}

export function toDisclosedAccess(row: ConsentAccessRecord): DisclosedAccess {
  return {
    source: 'CONSENT',
    seq: row.seq.toString(),
    at: row.at,
    actor: row.actorId ? { __typename: 'User', id: row.actorId } : null,
    actorRole: row.actorRole,
    action: row.action,
    what: row.what,
    outcome: row.outcome,
    roomId: row.roomId,
  };
}

export async function consentAccessesPart(db: ConsentDb, ref: ReportRef): Promise<DisclosedAccess[] | null> {
  if (!discloses(partsOf(ref), 'ACCESS_HISTORY')) return null;
  const rows = await db.consentAccessRecord.findMany({
    where: { subjectId: ref.subjectId, at: { lte: ref.asOf } },
    orderBy: { seq: 'asc' },
  });
  return rows.map(toDisclosedAccess);
}
