import { partnerCareTeamScope, partnerTarget } from './partner-view';

describe('what a partner sees of a room it takes part in', () => {
  it('everything it may (status, period, its own participants) only while the room is open and sharing allowed', () => {
    expect(partnerCareTeamScope('OPEN', true)).toEqual({ scope: 'full' });
  });

  it('the status alone once sharing stopped: suspended, closed, or still open but no longer shareable', () => {
    expect(partnerCareTeamScope('SUSPENDED', true)).toEqual({ scope: 'status', status: 'SUSPENDED' });
    expect(partnerCareTeamScope('SUSPENDED', false)).toEqual({ scope: 'status', status: 'SUSPENDED' });
    expect(partnerCareTeamScope('CLOSED', true)).toEqual({ scope: 'status', status: 'CLOSED' });
    expect(partnerCareTeamScope('CLOSED', false)).toEqual({ scope: 'status', status: 'CLOSED' });
    expect(partnerCareTeamScope('OPEN', false)).toEqual({ scope: 'status', status: 'SUSPENDED' });
  });

  it('names a requested target in the access chain by its id, never by a partner’s arbitrary text', () => {
    expect(partnerTarget('1B6E4C4E-4B8A-4E0E-9F3A-000000000001')).toBe('1b6e4c4e-4b8a-4e0e-9f3a-000000000001');
    expect(partnerTarget('../../etc/passwd')).toBe('malformed');
    expect(partnerTarget('x'.repeat(5000))).toBe('malformed');
  });
});
