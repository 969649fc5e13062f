import type { Principal } from '../lib/access/principal';
import { isRestricted, type Restriction } from './restriction-rules';

const user = (role: 'SYSTEM_ADMIN' | 'USER'): Principal => ({
  kind: 'user',
  userId: 'u',
  role,
  facilityId: 'f',
  orgUnitId: null,
  sessionId: 's',
  mustChangePassword: false,
  certificate: null,
  address: null,
});
const anonymous: Principal = { kind: 'anonymous', certificate: null, address: null };
const whole: Restriction = { scope: 'WHOLE_SYSTEM', operations: [], message: 'maintenance' };

describe('isRestricted', () => {
  it('restricts nothing without a restriction', () => {
    expect(isRestricted(null, user('USER'), { type: 'mutation', rootFields: ['openRoom'] })).toBe(false);
  });
  it('keeps the system admin out of every restriction', () => {
    expect(isRestricted(whole, user('SYSTEM_ADMIN'), { type: 'mutation', rootFields: ['openRoom'] })).toBe(false);
  });
  it('restricts everything but signing in and out for others during a whole-system restriction', () => {
    expect(isRestricted(whole, user('USER'), { type: 'query', rootFields: ['rooms'] })).toBe(true);
    expect(isRestricted(whole, anonymous, { type: 'mutation', rootFields: ['signIn'] })).toBe(false);
    expect(isRestricted(whole, user('USER'), { type: 'query', rootFields: ['me', 'systemRestriction'] })).toBe(false);
    expect(isRestricted(whole, user('USER'), { type: 'query', rootFields: ['me', 'rooms'] })).toBe(true);
  });
  it('allows only queries when read-only', () => {
    const readOnly: Restriction = { scope: 'READ_ONLY', operations: [], message: 'm' };
    expect(isRestricted(readOnly, user('USER'), { type: 'query', rootFields: ['rooms'] })).toBe(false);
    expect(isRestricted(readOnly, user('USER'), { type: 'mutation', rootFields: ['openRoom'] })).toBe(true);
  });
  it('restricts the named operations only', () => {
    const named: Restriction = { scope: 'OPERATIONS', operations: ['openRoom'], message: 'm' };
    expect(isRestricted(named, user('USER'), { type: 'mutation', rootFields: ['openRoom'] })).toBe(true);
    expect(isRestricted(named, user('USER'), { type: 'mutation', rootFields: ['recordConsent'] })).toBe(false);
  });
});
