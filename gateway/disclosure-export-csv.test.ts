import {
  csvColumns,
  csvField,
  mergedAccesses,
  renderCsv,
  renderJson,
  reportRows,
  type ExportedAccess,
  type ExportedReport,
} from './disclosure-export-csv';

const access = (source: string, seq: string, at: string, extra: Partial<ExportedAccess> = {}): ExportedAccess => ({
  source,
  seq,
  at,
  actor: { id: 'u-1', name: '高岡 花子' },
  actorRole: 'USER',
  action: 'READ',
  what: 'timeline',
  outcome: 'SUCCESS',
  roomId: null,
  ...extra,
});

function sample(overrides: Partial<ExportedReport['report']> = {}): ExportedReport {
  return {
    export: { id: 'e-1', format: 'CSV', exportedBy: 'sa-1', exportedAt: '2026-11-25T10:00:00.000Z' },
    request: { id: 'r-1', requestedBy: 'FAMILY', requesterName: '高岡 一郎', relationship: '長男' },
    report: {
      requestId: 'r-1',
      subjectId: 's-1',
      asOf: '2026-11-25T10:00:00.000Z',
      withheldParts: ['LEGAL_EXCEPTIONS'],
      withheld: [
        {
          part: 'LEGAL_EXCEPTIONS',
          ground: 'ELDER_ABUSE',
          reason: '虐待の疑い, 調査中',
          decidedBy: 'sa-1',
          decidedAt: '2026-11-25T09:00:00.000Z',
        },
      ],
      subjectRecord: { id: 's-1', name: '高岡 太郎', createdAt: '2026-11-01T00:00:00.000Z' },
      consentRecords: [
        {
          id: 'c-1',
          state: 'GRANTED',
          recordedAt: '2026-11-02T00:00:00.000Z',
          recordedBy: 'u-1',
          purposes: ['PROVIDE_SERVICES'],
        },
      ],
      legalExceptions: null,
      rooms: [
        { id: 'room-1', title: '太郎さんの部屋', status: 'OPEN', openedAt: '2026-11-03T00:00:00.000Z', memberCount: 2 },
      ],
      consentAccesses: [
        access('CONSENT', '7', '2026-11-25T10:00:00.000Z', {
          action: 'WRITE',
          what: 'exportDisclosureReport',
          outcome: 'OK',
        }),
      ],
      roomsAccesses: [
        access('ROOMS', '3', '2026-11-04T00:00:00.000Z', { roomId: 'room-1' }),
        access('ROOMS', '2', '2026-11-04T00:00:00.000Z', { roomId: 'room-1' }),
      ],
      identityAccesses: [
        access('IDENTITY', '40', '2026-11-01T00:00:00.000Z', { what: 'subject.register', action: 'WRITE' }),
      ],
      ...overrides,
    },
  };
}

/** A small RFC 4180 reader, to check the file parses back to what was written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  return rows;
}

describe('disclosure report as CSV', () => {
  it('starts with a UTF-8 byte order mark and a header, ends every line with CRLF', () => {
    const csv = renderCsv(sample());
    expect(csv.startsWith('\uFEFFsection,item,at,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('has one row per entry with its section, accesses merged in time order', () => {
    const rows = parseCsv(renderCsv(sample()).slice(1));
    expect(rows[0]).toEqual([...csvColumns]);
    expect(rows.slice(1).map((r) => r[0])).toEqual([
      'request',
      'withheld',
      'subject_record',
      'consent_record',
      'room',
      'access',
      'access',
      'access',
      'access',
    ]);
    expect(rows.filter((r) => r[0] === 'access').map((r) => r[1])).toEqual([
      'IDENTITY:40',
      'ROOMS:2',
      'ROOMS:3',
      'CONSENT:7',
    ]);
    for (const row of rows) expect(row).toHaveLength(csvColumns.length);
    const roomAccess = rows.find((r) => r[1] === 'ROOMS:2');
    expect(roomAccess).toEqual([
      'access',
      'ROOMS:2',
      '2026-11-04T00:00:00.000Z',
      'u-1',
      '高岡 花子',
      'USER',
      'READ',
      'timeline',
      'SUCCESS',
      'room-1',
      '',
    ]);
  });

  it('lists a withheld part with its ground and reason, and nothing of the part itself', () => {
    const rows = parseCsv(renderCsv(sample()).slice(1));
    expect(rows.find((r) => r[0] === 'withheld')).toEqual([
      'withheld',
      'LEGAL_EXCEPTIONS',
      '2026-11-25T09:00:00.000Z',
      'sa-1',
      '',
      '',
      'ELDER_ABUSE',
      '',
      '',
      '',
      '虐待の疑い, 調査中',
    ]);
    expect(rows.some((r) => r[0] === 'legal_exception')).toBe(false);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and round-trips them', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(null)).toBe('');
    const tricky = '理由, "引用"\r\n次の行';
    const rows = parseCsv(
      renderCsv(
        sample({
          withheld: [
            {
              part: 'ROOMS',
              ground: 'VIOLATES_OTHER_LAW',
              reason: tricky,
              decidedBy: 'sa',
              decidedAt: '2026-11-25T09:00:00.000Z',
            },
          ],
        }),
      ).slice(1),
    );
    expect(rows.find((r) => r[0] === 'withheld')?.[10]).toBe(tricky);
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM')).toBe("'@SUM");
    expect(csvField('2026-11-25')).toBe('2026-11-25');
  });

  it('has no access rows, but still the other sections, when the access history is withheld', () => {
    const exported = sample({ consentAccesses: null, roomsAccesses: null, identityAccesses: null });
    expect(mergedAccesses(exported.report)).toBeNull();
    expect(reportRows(exported).some((r) => r.section === 'access')).toBe(false);
  });

  it('shows an emergency access (break-glass) as such, and names it on each access made under it', () => {
    const exported = sample({
      emergencyAccesses: [
        {
          id: 'ea-1',
          reason: 'DISASTER',
          declaredAt: '2026-11-04T00:00:00.000Z',
          endsAt: '2026-11-05T00:00:00.000Z',
          endedAt: null,
          reviewedAt: '2026-11-06T00:00:00.000Z',
          grantees: [{ id: 'u-1', name: '高岡 花子' }],
          records: [{ source: 'ROOMS', seq: '3' }],
        },
      ],
    });
    const rows = reportRows(exported);
    const declared = rows.filter((r) => r.section === 'emergency_access');
    expect(declared).toEqual([
      {
        section: 'emergency_access',
        item: 'ea-1',
        at: '2026-11-04T00:00:00.000Z',
        action: 'DISASTER',
        detail: JSON.stringify({
          endsAt: '2026-11-05T00:00:00.000Z',
          endedAt: null,
          reviewedAt: '2026-11-06T00:00:00.000Z',
          grantees: [{ id: 'u-1', name: '高岡 花子' }],
        }),
      },
    ]);
    const detailOf = (item: string) => rows.find((r) => r.item === item)?.detail;
    expect(detailOf('ROOMS:3')).toBe(JSON.stringify({ emergencyAccessId: 'ea-1' }));
    expect(detailOf('ROOMS:2')).toBeUndefined();
    expect(parseCsv(renderCsv(exported).slice(1)).every((r) => r.length === csvColumns.length)).toBe(true);
  });
});

describe('disclosure report as JSON', () => {
  it('is the report object with the export and the request', () => {
    const parsed = JSON.parse(renderJson(sample()));
    expect(parsed).toMatchObject({
      requestId: 'r-1',
      subjectId: 's-1',
      withheldParts: ['LEGAL_EXCEPTIONS'],
      legalExceptions: null,
      export: { id: 'e-1' },
      request: { id: 'r-1' },
    });
    expect(parsed.roomsAccesses).toHaveLength(2);
  });
});
