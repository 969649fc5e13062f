import { actionLabel, historyOf, requestInput, todayInJapan, withholdable } from './format';
import { actionWords } from './words';

describe('the audit screen’s rules', () => {
  it('names a known action in the console’s language, and shows an unknown one as its code', () => {
    expect(actionLabel(actionWords.ja, 'session.signIn')).toBe('サインイン');
    expect(actionLabel(actionWords.en, 'session.signIn')).toBe('Sign-in');
    expect(actionLabel(actionWords.ja, 'something.new')).toBe('something.new');
    expect(actionLabel(actionWords.ja, 'toString')).toBe('toString');
  });

  it('takes today in Japan as the default day received', () => {
    // 23:30 UTC is already the next day in Japan.
    expect(todayInJapan(new Date('2026-03-31T23:30:00Z'))).toBe('2026-04-01');
    expect(todayInJapan(new Date('2026-04-01T03:00:00Z'))).toBe('2026-04-01');
  });

  it('sends the requester’s name and relationship only when the subject did not ask', () => {
    const form = {
      subjectId: ' 5b0c6f1e-0000-4000-8000-000000000001 ',
      requestedBy: 'FAMILY' as const,
      requesterName: ' 高岡 一郎 ',
      relationship: '長男',
      receivedVia: ' 窓口 ',
      receivedOn: '2026-01-05',
    };
    expect(requestInput(form)).toEqual({
      subjectId: '5b0c6f1e-0000-4000-8000-000000000001',
      requestedBy: 'FAMILY',
      requesterName: '高岡 一郎',
      relationship: '長男',
      receivedVia: '窓口',
      receivedOn: '2026-01-05',
    });
    expect(requestInput({ ...form, requestedBy: 'SUBJECT' })).toMatchObject({
      requestedBy: 'SUBJECT',
      requesterName: null,
      relationship: null,
    });
    // Left empty, they are not sent: the graph says what is missing.
    expect(requestInput({ ...form, requesterName: '  ', relationship: '' })).toMatchObject({
      requesterName: null,
      relationship: null,
    });
  });

  it('offers only the parts not withheld yet', () => {
    expect(withholdable([])).toEqual(['SUBJECT_RECORD', 'CONSENT', 'LEGAL_EXCEPTIONS', 'ROOMS', 'ACCESS_HISTORY']);
    expect(withholdable([{ part: 'CONSENT' }, { part: 'ROOMS' }])).toEqual([
      'SUBJECT_RECORD',
      'LEGAL_EXCEPTIONS',
      'ACCESS_HISTORY',
    ]);
  });

  it('tells a request’s history oldest first', () => {
    const steps = historyOf({
      recordedAt: '2026-01-05T01:00:00.000Z',
      recordedBy: 'a',
      withheld: [
        {
          part: 'ROOMS',
          ground: 'ELDER_ABUSE',
          reason: 'r',
          decidedBy: 'b',
          decidedAt: '2026-01-06T01:00:00.000Z',
        },
      ],
      exports: [
        { id: 'x2', format: 'JSON', exportedBy: 'b', exportedAt: '2026-01-08T01:00:00.000Z' },
        { id: 'x1', format: 'CSV', exportedBy: 'b', exportedAt: '2026-01-07T01:00:00.000Z' },
      ],
    });
    expect(steps.map((step) => step.kind + ('format' in step ? `:${step.format}` : ''))).toEqual([
      'recorded',
      'withheld',
      'exported:CSV',
      'exported:JSON',
    ]);
  });
});
