import { consentFormProblem, normalizePurposes, type ConsentForm } from './consent-form-rules';

const today = '2026-11-25';
const makeForm = (
  overrides: {
    explainedOn?: string;
    signature?: Partial<ConsentForm['signature']>;
    purposes?: ConsentForm['purposes'];
  } = {},
): ConsentForm => ({
  explanation: { explainedOn: overrides.explainedOn ?? '2026-11-20' },
  signature: { signedBy: 'SUBJECT', signedOn: '2026-11-21', ...overrides.signature },
  purposes: overrides.purposes ?? ['PROVIDE_SERVICES'],
});

describe('consent form rules (Forms 6 and 7)', () => {
  it('accepts a subject who signs after the explanation, up to today', () => {
    expect(consentFormProblem(makeForm(), today)).toBeNull();
    expect(consentFormProblem(makeForm({ explainedOn: today, signature: { signedOn: today } }), today)).toBeNull();
    expect(
      consentFormProblem(
        makeForm({ signature: { signedBy: 'FAMILY', signerName: '高岡 一郎', relationship: '長男' } }),
        today,
      ),
    ).toBeNull();
  });

  it.each([
    ['no purposes', makeForm({ purposes: [] }), 'purposes'],
    [
      'a family signer without a name',
      makeForm({ signature: { signedBy: 'FAMILY', relationship: '長男' } }),
      'signature.signerName',
    ],
    [
      'a family signer without a relationship',
      makeForm({ signature: { signedBy: 'FAMILY', signerName: '高岡 一郎' } }),
      'signature.relationship',
    ],
    [
      'a relationship when the subject signs',
      makeForm({ signature: { relationship: '本人' } }),
      'signature.relationship',
    ],
    [
      'an explanation in the future',
      makeForm({ explainedOn: '2026-11-26', signature: { signedOn: '2026-11-26' } }),
      'explanation.explainedOn',
    ],
    ['a signature in the future', makeForm({ signature: { signedOn: '2026-11-26' } }), 'signature.signedOn'],
    ['a signature before the explanation', makeForm({ signature: { signedOn: '2026-11-19' } }), 'signature.signedOn'],
  ])('rejects %s, naming the field', (_label, form, field) => {
    expect(consentFormProblem(form, today)?.field).toBe(field);
  });

  it('stores each purpose once, in the order of appendix 4(1)', () => {
    expect(normalizePurposes(['SERVICE_STAFF_MEETINGS', 'PROVIDE_SERVICES', 'SERVICE_STAFF_MEETINGS'])).toEqual([
      'PROVIDE_SERVICES',
      'SERVICE_STAFF_MEETINGS',
    ]);
  });
});
