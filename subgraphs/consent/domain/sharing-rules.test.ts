import type { ExceptionFacts } from './legal-exception-rules';
import { sharingBasis, writtenConsentRequired } from './sharing-rules';

const today = '2026-11-25';
const makeException = (overrides: Partial<ExceptionFacts> = {}): ExceptionFacts => ({
  basis: 'ELDER_ABUSE',
  reviewOn: '2027-01-31',
  endedAt: null,
  ...overrides,
});

describe('sharingBasis', () => {
  it('shares on granted consent first', () => {
    expect(sharingBasis('GRANTED', [], today)).toEqual({ allowed: true, basis: 'CONSENT', validThrough: null });
    expect(sharingBasis('GRANTED', [makeException()], today)).toEqual({
      allowed: true,
      basis: 'CONSENT',
      validThrough: null,
    });
  });

  it.each(['NOT_RECORDED', 'WITHDRAWN'] as const)(
    'does not share when consent is %s and no exception is in force',
    (status) => {
      expect(sharingBasis(status, [], today)).toEqual({ allowed: false, basis: null, validThrough: null });
      expect(sharingBasis(status, [makeException({ endedAt: new Date() })], today)).toEqual({
        allowed: false,
        basis: null,
        validThrough: null,
      });
      expect(sharingBasis(status, [makeException({ reviewOn: '2026-11-24' })], today)).toEqual({
        allowed: false,
        basis: null,
        validThrough: null,
      });
    },
  );

  it.each(['NOT_RECORDED', 'WITHDRAWN'] as const)('shares on an exception in force when consent is %s', (status) => {
    expect(sharingBasis(status, [makeException()], today)).toEqual({
      allowed: true,
      basis: 'ELDER_ABUSE',
      validThrough: '2027-01-31',
    });
  });

  it('names the first basis in the order of Art. 19 when several are in force', () => {
    const exceptions = [
      makeException({ basis: 'DISASTER' }),
      makeException({ basis: 'CHILD_REQUIRING_SUPPORT' }),
      makeException({ basis: 'CHILD_REQUIRING_PROTECTION', reviewOn: '2026-01-01' }),
    ];
    expect(sharingBasis('NOT_RECORDED', exceptions, today)).toEqual({
      allowed: true,
      basis: 'CHILD_REQUIRING_SUPPORT',
      validThrough: '2027-01-31',
    });
  });

  it('holds an exception basis through the latest review date of the exceptions in force, and not past it', () => {
    const exceptions = [
      makeException({ basis: 'DISASTER', reviewOn: '2026-12-31' }),
      makeException({ basis: 'URGENT_RISK_TO_LIFE_BODY_PROPERTY', reviewOn: '2027-03-01' }),
    ];
    expect(sharingBasis('NOT_RECORDED', exceptions, today).validThrough).toBe('2027-03-01');
    expect(sharingBasis('NOT_RECORDED', exceptions, '2027-03-01')).toEqual({
      allowed: true,
      basis: 'URGENT_RISK_TO_LIFE_BODY_PROPERTY',
      validThrough: '2027-03-01',
    });
    expect(sharingBasis('NOT_RECORDED', exceptions, '2027-03-02')).toEqual({
      allowed: false,
      basis: null,
      validThrough: null,
    });
  });
});

describe('writtenConsentRequired', () => {
  it.each([
    [['MEDICAL_INSTITUTION'], false],
    [['MEDICAL_INSTITUTION', 'PHARMACY', 'MIDWIFERY_HOME'], false],
    [['MEDICAL_INSTITUTION', 'CARE_INSURANCE_SERVICE'], true],
    [['DISABILITY_WELFARE_SERVICE'], true],
    [['CHILD_WELFARE_FACILITY', 'PHARMACY'], true],
    [['EDUCATION_BODY'], true],
    [['OTHER_APPROVED'], true],
    [['SOMETHING_NEW'], true],
    [[], true],
  ])('members %j: %s', (kinds, required) => {
    expect(writtenConsentRequired(kinds)).toBe(required);
  });
});
