// Disclosure requests (appendix 5): a subject (or family, or a legal
// representative) asks for the data held about them and who accessed it.
// Recording a request and withholding a part are consent writes like any
// other: one transaction that first takes the access chain's lock, checks
// the current state, writes, and appends the WRITE record, so a request
// never exists without its access record.
import { randomUUID } from 'node:crypto';
import { appError, notFound } from '../../../lib/graphql-errors';
import type { Operation } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import { isUuid } from '../../../lib/input';
import { readPage } from '../../../lib/cursor';
import type { DisclosureRequest, DisclosureWithholding } from '../../../generated/prisma/client';
import type { ConsentDb } from '../context';
import { dateColumn } from '../domain/calendar';
import { accessFacts, chainStore, lockChain } from './access-record-service';
import {
  withholdProblem,
  type DisclosurePart,
  type DisclosureRequester,
  type WithholdingGround,
} from '../domain/disclosure-rules';
import { requireKnownSubject } from './known-subjects';

/**
 * The request reaches the network through the city (its departments) or a
 * core hospital, so their managers and the system admin record it; only the
 * system admin, who must supply the usage status (appendix 5), reads
 * requests, withholds parts and produces the report.
 */
export const disclosureRecorders: Operation[] = ['disclosure.record'];
export const disclosureProducers: Operation[] = ['disclosure.produce'];

export interface DisclosureRequestInput {
  subjectId: string;
  requestedBy: DisclosureRequester;
  requesterName?: string | null;
  relationship?: string | null;
  receivedVia: string;
  receivedOn: string;
}

export interface WithholdInput {
  part: DisclosurePart;
  ground: WithholdingGround;
  reason: string;
}

export async function recordDisclosureRequest(
  db: ConsentDb,
  actor: UserPrincipal,
  input: DisclosureRequestInput,
  at: Date,
): Promise<DisclosureRequest> {
  await requireKnownSubject(db, input.subjectId);
  return db.$transaction(async (tx) => {
    await lockChain(tx);
    const request = await tx.disclosureRequest.create({
      data: {
        id: randomUUID(),
        subjectId: input.subjectId,
        requestedBy: input.requestedBy,
        requesterName: input.requesterName ?? null,
        relationship: input.relationship ?? null,
        receivedVia: input.receivedVia,
        receivedOn: dateColumn(input.receivedOn),
        recordedBy: actor.userId,
        recordedAt: at,
      },
    });
    await appendAccessRecord(
      chainStore(tx),
      accessFacts(
        actor,
        { action: 'WRITE', what: 'recordDisclosureRequest', subjectId: input.subjectId, outcome: 'OK' },
        at,
      ),
    );
    return request;
  });
}

export function withholdDisclosurePart(
  db: ConsentDb,
  actor: UserPrincipal,
  requestId: string,
  input: WithholdInput,
  at: Date,
): Promise<DisclosureRequest> {
  return db.$transaction(async (tx) => {
    await lockChain(tx);
    const request = await tx.disclosureRequest.findUnique({ where: { id: requestId }, include: { withheld: true } });
    if (!request)
      throw notFound({
        en: 'There is no such disclosure request. Check the id.',
        ja: 'その開示請求はありません。ID を確認してください。',
      });
    const problem = withholdProblem(
      request.status,
      request.withheld.map((w) => w.part),
      input.part,
    );
    if (problem) throw appError(problem.code, problem.message);
    await tx.disclosureWithholding.create({
      data: {
        id: randomUUID(),
        requestId,
        part: input.part,
        ground: input.ground,
        reason: input.reason,
        decidedBy: actor.userId,
        decidedAt: at,
      },
    });
    await appendAccessRecord(
      chainStore(tx),
      accessFacts(
        actor,
        { action: 'WRITE', what: 'withholdDisclosurePart', subjectId: request.subjectId, outcome: 'OK' },
        at,
      ),
    );
    const { withheld: _withheld, ...row } = request;
    return row;
  });
}

/** The subject a request is about, for the access record of a refused attempt (null when the id names none). */
export async function subjectOfRequest(db: ConsentDb, requestId: unknown): Promise<string | null> {
  if (typeof requestId !== 'string' || !isUuid(requestId)) return null;
  const request = await db.disclosureRequest.findUnique({ where: { id: requestId }, select: { subjectId: true } });
  return request?.subjectId ?? null;
}

export async function findDisclosureRequest(db: ConsentDb, id: string): Promise<DisclosureRequest> {
  const request = await db.disclosureRequest.findUnique({ where: { id } });
  if (!request)
    throw notFound({
      en: 'There is no such disclosure request. Check the id.',
      ja: 'その開示請求はありません。ID を確認してください。',
    });
  return request;
}

export function listDisclosureRequests(
  db: ConsentDb,
  args: { subjectId?: string | null; first: number; after?: string | null },
) {
  return readPage(
    args,
    'recordedAt',
    (where, take) =>
      db.disclosureRequest.findMany({
        where: { ...(args.subjectId ? { subjectId: args.subjectId } : {}), ...where },
        orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }],
        take,
      }),
    (row) => row.recordedAt,
  );
}

export function withholdingsOf(db: ConsentDb, requestId: string): Promise<DisclosureWithholding[]> {
  return db.disclosureWithholding.findMany({ where: { requestId }, orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }] });
}
