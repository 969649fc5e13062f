import { joinConsentSummary } from './join-consent-rules';

const granted = {
  state: 'GRANTED' as const,
  signedBy: 'FAMILY',
  relationship: '長女',
  signedOn: new Date('2026-11-20T00:00:00Z'),
  purposes: ['COORDINATE_PROVIDERS', 'PROVIDE_SERVICES', 'PROVIDE_SERVICES'],
};

describe('the consent summary a join carries', () => {
  it('summarises a granted Form 7: purposes in the regulations order, the day, the role and relationship', () => {
    expect(joinConsentSummary(granted)).toEqual({
      purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS'],
      date: '2026-11-20',
      consenter: 'REPRESENTATIVE',
      relationship: '長女',
    });
    expect(joinConsentSummary({ ...granted, signedBy: 'SUBJECT', relationship: null })).toMatchObject({
      consenter: 'SUBJECT',
      relationship: null,
    });
  });

  it('is nothing when consent is withdrawn, unrecorded, unsigned or without purposes', () => {
    expect(joinConsentSummary(null)).toBeNull();
    expect(joinConsentSummary({ ...granted, state: 'WITHDRAWN' })).toBeNull();
    expect(joinConsentSummary({ ...granted, signedOn: null })).toBeNull();
    expect(joinConsentSummary({ ...granted, purposes: [] })).toBeNull();
  });
});
