// Disclosure (appendix 5) at consent's boundary: requests, withheld parts,
// exports and consent's part of the report. Every operation checks the
// permission first (a refusal is recorded, with the subject when the
// request id names one), then parses its input, then calls one service.
// Reading a request records a READ for its subject; producing a report
// records one before the report is read (disclosure-report-service.ts).
import type { DisclosureExport as ExportRow, DisclosureRequest as RequestRow } from '../../../generated/prisma/client';
import { badUserInput, notFound } from '../../../lib/graphql-errors';
import { parseInput, uuid } from '../../../lib/input';
import { storedEnum } from '../../../lib/invariants';
import type { ConsentContext } from '../context';
import { todayInJapan } from '../domain/calendar';
import { exportDisclosureReport, exportsOf } from '../services/disclosure-export-service';
import {
  consentAccessesPart,
  consentRecordsPart,
  legalExceptionsPart,
  reportRef,
  type ReportRef,
} from '../services/disclosure-report-service';
import {
  disclosureProducers,
  disclosureRecorders,
  findDisclosureRequest,
  listDisclosureRequests,
  recordDisclosureRequest,
  subjectOfRequest,
  withholdDisclosurePart,
  withholdingsOf,
} from '../services/disclosure-request-service';
import { disclosureParts, disclosureRequestProblem } from '../domain/disclosure-rules';
import { subjectIdOf, writer } from './access';
import {
  disclosureFormat,
  disclosureRequestInput,
  listDisclosureRequestsArgs,
  withholdInput,
} from './disclosure-inputs';
import type {
  DisclosureExportResolvers,
  DisclosureReportResolvers,
  DisclosureRequestResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../../../generated/graphql/consent-resolvers';
import { aboutField } from '../../../lib/messages/message';

/** Exports made in this request: their report was recorded by the export's own WRITE record. */
const freshExports = new WeakSet<ExportRow>();

async function requestOf(ctx: ConsentContext, requestId: unknown): Promise<string | null> {
  return subjectOfRequest(ctx.db, requestId);
}

/** A report read again later (a request's current report, an old export's) is itself an access. */
async function produceAgain(ctx: ConsentContext, request: RequestRow, asOf: () => Date): Promise<ReportRef> {
  await writer(ctx, disclosureProducers, { what: 'disclosureReport', subjectId: request.subjectId });
  await ctx.accessLog.load({ action: 'READ', what: 'disclosureReport', subjectId: request.subjectId, outcome: 'OK' });
  return reportRef(ctx.db, request, asOf());
}

export const disclosureQuery = {
  disclosureRequests: async (_, args, ctx) => {
    await writer(ctx, disclosureProducers, { what: 'disclosureRequests', subjectId: subjectIdOf(args.subjectId) });
    const page = await listDisclosureRequests(ctx.db, parseInput(listDisclosureRequestsArgs, args));
    await Promise.all(
      [...new Set(page.items.map((r) => r.subjectId))].map((subjectId) =>
        ctx.accessLog.load({ action: 'READ', what: 'disclosureRequests', subjectId, outcome: 'OK' }),
      ),
    );
    return page;
  },
  disclosureRequest: async (_, args, ctx) => {
    await writer(ctx, disclosureProducers, { what: 'disclosureRequest', subjectId: await requestOf(ctx, args.id) });
    const request = await findDisclosureRequest(ctx.db, parseInput(uuid, args.id, 'id'));
    await ctx.accessLog.load({
      action: 'READ',
      what: 'disclosureRequest',
      subjectId: request.subjectId,
      outcome: 'OK',
    });
    return request;
  },
} satisfies QueryResolvers;

export const disclosureMutation = {
  recordDisclosureRequest: async (_, args, ctx) => {
    const actor = await writer(ctx, disclosureRecorders, {
      what: 'recordDisclosureRequest',
      subjectId: subjectIdOf(args.input.subjectId),
    });
    const input = parseInput(disclosureRequestInput, args.input);
    const now = ctx.now();
    const problem = disclosureRequestProblem(input, todayInJapan(now));
    if (problem) throw badUserInput(aboutField(problem.field, problem.message), problem.field);
    return recordDisclosureRequest(ctx.db, actor, input, now);
  },
  withholdDisclosurePart: async (_, args, ctx) => {
    const actor = await writer(ctx, disclosureProducers, {
      what: 'withholdDisclosurePart',
      subjectId: await requestOf(ctx, args.requestId),
    });
    const requestId = parseInput(uuid, args.requestId, 'requestId');
    const input = parseInput(withholdInput, args.input);
    return withholdDisclosurePart(ctx.db, actor, requestId, input, ctx.now());
  },
  exportDisclosureReport: async (_, args, ctx) => {
    const actor = await writer(ctx, disclosureProducers, {
      what: 'exportDisclosureReport',
      subjectId: await requestOf(ctx, args.requestId),
    });
    const requestId = parseInput(uuid, args.requestId, 'requestId');
    const format = parseInput(disclosureFormat, args.format, 'format');
    const created = await exportDisclosureReport(ctx.db, actor, requestId, format, ctx.now);
    freshExports.add(created);
    return created;
  },
} satisfies MutationResolvers;

export const DisclosureRequest = {
  subject: (row) => ({ __typename: 'Subject', id: row.subjectId }),
  withheld: (row, _, ctx) => withholdingsOf(ctx.db, row.id),
  exports: (row, _, ctx) => exportsOf(ctx.db, row.id),
  // The record is appended first, so asOf (taken after) covers it.
  report: (row, _, ctx) => produceAgain(ctx, row, ctx.now),
} satisfies DisclosureRequestResolvers;

export const DisclosureExport = {
  request: (row, _, ctx) => findDisclosureRequest(ctx.db, row.requestId),
  report: async (row, _, ctx) => {
    const request = await findDisclosureRequest(ctx.db, row.requestId);
    if (freshExports.has(row)) return reportRef(ctx.db, request, row.exportedAt);
    return produceAgain(ctx, request, () => row.exportedAt);
  },
} satisfies DisclosureExportResolvers;

export const DisclosureReport = {
  // Only consent hands out report keys; a reference that does not match a request is refused. asOf arrives
  // as the string consent serialized (a representation is JSON), not the Date the generated type says.
  __resolveReference: async (ref: { requestId: string; subjectId: string; asOf: Date | string }, ctx) => {
    await writer(ctx, disclosureProducers, { what: 'disclosureReport', subjectId: subjectIdOf(ref.subjectId) });
    const request = await ctx.db.disclosureRequest.findUnique({ where: { id: ref.requestId } });
    const asOf = new Date(ref.asOf);
    if (!request || request.subjectId !== ref.subjectId || Number.isNaN(asOf.getTime()))
      throw notFound({
        en: 'There is no such disclosure report. Check the id.',
        ja: 'その開示報告書はありません。ID を確認してください。',
      });
    await ctx.accessLog.load({ action: 'READ', what: 'disclosureReport', subjectId: request.subjectId, outcome: 'OK' });
    return reportRef(ctx.db, request, asOf);
  },
  withheldParts: (ref) => ref.withheld.map((w) => storedEnum(disclosureParts, w.part)),
  withheld: (ref) => ref.withheld,
  consentRecords: (ref, _, ctx) => consentRecordsPart(ctx.db, ref),
  legalExceptions: (ref, _, ctx) => legalExceptionsPart(ctx.db, ref),
  consentAccesses: (ref, _, ctx) => consentAccessesPart(ctx.db, ref),
} satisfies DisclosureReportResolvers;
