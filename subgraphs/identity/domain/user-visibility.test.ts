import type { Principal, Role, UserPrincipal } from '../../../lib/access/principal';
import { maySeeAccountOf } from './user-visibility';

const makeUser = (over: Partial<UserPrincipal> & { role: Role }): UserPrincipal => ({
  kind: 'user',
  userId: `viewer-${over.role}`,
  facilityId: 'facility-a',
  orgUnitId: null,
  sessionId: 'session-1',
  mustChangePassword: false,
  certificate: null,
  address: null,
  ...over,
});

const person = { id: 'nurse-1', facilityId: 'facility-a' };

describe('who sees a user’s account fields (accountId, status, lastActiveAt)', () => {
  it('the person themself, whatever the role', () => {
    expect(maySeeAccountOf(makeUser({ role: 'USER', userId: 'nurse-1' }), person)).toBe(true);
  });

  it('the facility manager of the person’s own facility, not of another', () => {
    expect(maySeeAccountOf(makeUser({ role: 'FACILITY_MANAGER' }), person)).toBe(true);
    expect(maySeeAccountOf(makeUser({ role: 'FACILITY_MANAGER', facilityId: 'facility-b' }), person)).toBe(false);
  });

  it('the system admin and admin managers, who supervise every facility (Art. 13)', () => {
    expect(maySeeAccountOf(makeUser({ role: 'SYSTEM_ADMIN', facilityId: 'city' }), person)).toBe(true);
    expect(maySeeAccountOf(makeUser({ role: 'ADMIN_MANAGER', facilityId: 'city' }), person)).toBe(true);
  });

  it('nobody else: a colleague of the same facility, a co-member of another, a hospital manager', () => {
    expect(maySeeAccountOf(makeUser({ role: 'USER' }), person)).toBe(false);
    expect(maySeeAccountOf(makeUser({ role: 'USER', facilityId: 'facility-b' }), person)).toBe(false);
    expect(maySeeAccountOf(makeUser({ role: 'HOSPITAL_MANAGER', facilityId: 'facility-a' }), person)).toBe(false);
  });

  it('no signed-in user, no account fields', () => {
    const anonymous: Principal = { kind: 'anonymous', certificate: null, address: null };
    const service: Principal = { kind: 'service', service: 'gateway' };
    expect(maySeeAccountOf(anonymous, person)).toBe(false);
    expect(maySeeAccountOf(service, person)).toBe(false);
  });
});
