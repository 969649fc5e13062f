// The disclosure report (appendix 5) as one CSV file: one row per entry,
// the `section` column telling what the entry is (the request, the subject's
// record, a consent entry, a legal exception, a room, an emergency access,
// an access, a withheld part). Columns shared by every section come first;
// what is particular to a section goes in `detail` as compact JSON, so the
// file has one header.
// RFC 4180 quoting and CRLF line ends; a UTF-8 byte order mark so Excel in
// Japan opens it as UTF-8 rather than Shift_JIS. A cell a spreadsheet would
// run as a formula (=, +, -, @ first) is prefixed with an apostrophe.
// Pure: the HTTP route (disclosure-export.ts) only hands it the report.

export interface ExportedAccess {
  source: string;
  seq: string;
  at: string;
  actor: { id: string; name?: string | null } | null;
  actorRole: string | null;
  action: string;
  what: string;
  outcome: string;
  roomId: string | null;
}

interface Row {
  id?: string;
  [field: string]: unknown;
}

/** A break-glass emergency access to the subject's rooms, with the records made under it (rooms' part). */
export interface ExportedEmergencyAccess {
  id: string;
  reason: string;
  declaredAt: string;
  endsAt: string;
  endedAt: string | null;
  reviewedAt: string | null;
  grantees: Array<{ id: string; name?: string | null }>;
  records: Array<{ source: string; seq: string }>;
}

/** The GraphQL shape the export route selects (see disclosure-export.ts). */
export interface ExportedReport {
  export: { id: string; format: string; exportedBy: string; exportedAt: string };
  request: Row;
  report: {
    requestId: string;
    subjectId: string;
    asOf: string;
    withheldParts: string[];
    withheld: Array<{ part: string; ground: string; reason: string; decidedBy: string; decidedAt: string }>;
    subjectRecord?: Row | null;
    consentRecords?: Row[] | null;
    legalExceptions?: Row[] | null;
    rooms?: Row[] | null;
    consentAccesses?: ExportedAccess[] | null;
    roomsAccesses?: ExportedAccess[] | null;
    identityAccesses?: ExportedAccess[] | null;
    emergencyAccesses?: ExportedEmergencyAccess[] | null;
  };
}

export const csvColumns = [
  'section',
  'item',
  'at',
  'actor_id',
  'actor_name',
  'actor_role',
  'action',
  'what',
  'outcome',
  'room_id',
  'detail',
] as const;
type CsvRow = Partial<Record<(typeof csvColumns)[number], string | null | undefined>>;

/** Every access the report lists, across the subgraphs, in time order (then source and sequence). */
export function mergedAccesses(report: ExportedReport['report']): ExportedAccess[] | null {
  const lists = [report.identityAccesses, report.roomsAccesses, report.consentAccesses];
  if (lists.every((list) => list == null)) return null;
  return lists
    .flatMap((list) => list ?? [])
    .sort((a, b) => a.at.localeCompare(b.at) || a.source.localeCompare(b.source) || Number(a.seq) - Number(b.seq));
}

function without<T extends Row>(row: T, ...keys: string[]): string {
  return JSON.stringify(Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key))));
}

const str = (value: unknown): string | null => (value == null ? null : String(value));

export function reportRows(exported: ExportedReport): CsvRow[] {
  const { report, request } = exported;
  const rows: CsvRow[] = [
    {
      section: 'request',
      item: report.requestId,
      at: exported.export.exportedAt,
      actor_id: exported.export.exportedBy,
      action: 'EXPORT',
      what: exported.export.format,
      detail: JSON.stringify({ asOf: report.asOf, subjectId: report.subjectId, exportId: exported.export.id, request }),
    },
  ];
  for (const w of report.withheld)
    rows.push({
      section: 'withheld',
      item: w.part,
      at: w.decidedAt,
      actor_id: w.decidedBy,
      action: w.ground,
      detail: w.reason,
    });
  if (report.subjectRecord)
    rows.push({
      section: 'subject_record',
      item: str(report.subjectRecord.id),
      at: str(report.subjectRecord.createdAt),
      detail: without(report.subjectRecord, 'id', 'createdAt'),
    });
  for (const c of report.consentRecords ?? []) {
    rows.push({
      section: 'consent_record',
      item: str(c.id),
      at: str(c.recordedAt),
      actor_id: str(c.recordedBy),
      action: str(c.state),
      detail: without(c, 'id', 'recordedAt', 'recordedBy', 'state'),
    });
  }
  for (const e of report.legalExceptions ?? []) {
    rows.push({
      section: 'legal_exception',
      item: str(e.id),
      at: str(e.recordedAt),
      actor_id: str(e.recordedBy),
      action: str(e.basis),
      detail: without(e, 'id', 'recordedAt', 'recordedBy', 'basis'),
    });
  }
  for (const r of report.rooms ?? [])
    rows.push({
      section: 'room',
      item: str(r.id),
      at: str(r.openedAt),
      action: str(r.status),
      room_id: str(r.id),
      detail: without(r, 'id', 'openedAt', 'status'),
    });
  // Emergency accesses are shown as such: one row each, and each access made under one names it.
  const underEmergency = new Map<string, string>();
  for (const e of report.emergencyAccesses ?? []) {
    rows.push({
      section: 'emergency_access',
      item: e.id,
      at: e.declaredAt,
      action: e.reason,
      detail: JSON.stringify({ endsAt: e.endsAt, endedAt: e.endedAt, reviewedAt: e.reviewedAt, grantees: e.grantees }),
    });
    for (const r of e.records) underEmergency.set(`${r.source}:${r.seq}`, e.id);
  }
  for (const a of mergedAccesses(report) ?? []) {
    const emergencyAccessId = underEmergency.get(`${a.source}:${a.seq}`);
    rows.push({
      section: 'access',
      item: `${a.source}:${a.seq}`,
      at: a.at,
      actor_id: a.actor?.id,
      actor_name: a.actor?.name,
      actor_role: a.actorRole,
      action: a.action,
      what: a.what,
      outcome: a.outcome,
      room_id: a.roomId,
      detail: emergencyAccessId ? JSON.stringify({ emergencyAccessId }) : undefined,
    });
  }
  return rows;
}

/** One RFC 4180 field: quoted when it holds a quote, comma or line break; formulas defused. */
export function csvField(value: string | null | undefined): string {
  if (value == null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(exported: ExportedReport): string {
  const lines = [
    csvColumns.join(','),
    ...reportRows(exported).map((row) => csvColumns.map((column) => csvField(row[column])).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The JSON file: the report itself, with the export and the request it answers. */
export function renderJson(exported: ExportedReport): string {
  return `${JSON.stringify({ ...exported.report, export: exported.export, request: exported.request }, null, 2)}\n`;
}
