import { disclosureRequestProblem, discloses, withheldAsOf, withholdProblem } from './disclosure-rules';

describe('disclosure request rules', () => {
  const today = '2026-11-25';
  it('accepts the subject asking for themself, and a family member naming themself and the relationship', () => {
    expect(disclosureRequestProblem({ requestedBy: 'SUBJECT', receivedOn: today }, today)).toBeNull();
    expect(
      disclosureRequestProblem(
        { requestedBy: 'FAMILY', requesterName: '高岡 一郎', relationship: '長男', receivedOn: '2026-11-01' },
        today,
      ),
    ).toBeNull();
    expect(
      disclosureRequestProblem(
        {
          requestedBy: 'LEGAL_REPRESENTATIVE',
          requesterName: '弁護士 A',
          relationship: '成年後見人',
          receivedOn: today,
        },
        today,
      ),
    ).toBeNull();
  });
  it('refuses a name or relationship for the subject, and their absence for anyone else', () => {
    expect(
      disclosureRequestProblem({ requestedBy: 'SUBJECT', requesterName: 'x', receivedOn: today }, today)?.field,
    ).toBe('requesterName');
    expect(
      disclosureRequestProblem({ requestedBy: 'SUBJECT', relationship: '本人', receivedOn: today }, today)?.field,
    ).toBe('relationship');
    expect(
      disclosureRequestProblem({ requestedBy: 'FAMILY', relationship: '長男', receivedOn: today }, today)?.field,
    ).toBe('requesterName');
    expect(
      disclosureRequestProblem({ requestedBy: 'LEGAL_REPRESENTATIVE', requesterName: 'A', receivedOn: today }, today)
        ?.field,
    ).toBe('relationship');
  });
  it('refuses a request received in the future (date in Japan)', () => {
    expect(disclosureRequestProblem({ requestedBy: 'SUBJECT', receivedOn: '2026-11-26' }, today)).toEqual({
      field: 'receivedOn',
      message: { en: 'It must not be in the future.', ja: '未来の日付は指定できません。' },
    });
  });
});

describe('withholding', () => {
  it('is allowed once per part, and only before the report is exported', () => {
    expect(withholdProblem('RECEIVED', [], 'ROOMS')).toBeNull();
    expect(withholdProblem('RECEIVED', ['ROOMS'], 'ROOMS')?.code).toBe('CONFLICT');
    expect(withholdProblem('RECEIVED', ['ROOMS'], 'CONSENT')).toBeNull();
    expect(withholdProblem('REPORTED', [], 'ROOMS')?.code).toBe('ILLEGAL_TRANSITION');
  });
  it('a report leaves out what was withheld by its time, and lists the rest', () => {
    const rows = [
      { part: 'ROOMS', decidedAt: new Date('2026-11-25T10:00:00Z') },
      { part: 'ACCESS_HISTORY', decidedAt: new Date('2026-11-25T12:00:00Z') },
    ];
    expect(withheldAsOf(rows, new Date('2026-11-25T11:00:00Z')).map((r) => r.part)).toEqual(['ROOMS']);
    expect(withheldAsOf(rows, new Date('2026-11-25T12:00:00Z')).map((r) => r.part)).toEqual([
      'ROOMS',
      'ACCESS_HISTORY',
    ]);
    expect(discloses(['ROOMS'], 'ROOMS')).toBe(false);
    expect(discloses(['ROOMS'], 'CONSENT')).toBe(true);
  });
});
