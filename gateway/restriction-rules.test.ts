import type { Principal } from '../lib/access/principal';
import { genericMessages } from '../lib/messages/generic-messages';
import { isRestricted, refusalMessage, type Restriction } from './restriction-rules';

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
const whole: Restriction = { scope: 'WHOLE_SYSTEM', operations: [], message: 'maintenance', scheduledEndAt: null };
const now = new Date('2026-12-07T12:00:00Z');

describe('isRestricted', () => {
  it('restricts nothing without a restriction', () => {
    expect(isRestricted(null, user('USER'), { type: 'mutation', rootFields: ['openRoom'] }, now)).toBe(false);
  });
  it('keeps the system admin out of every restriction', () => {
    expect(isRestricted(whole, user('SYSTEM_ADMIN'), { type: 'mutation', rootFields: ['openRoom'] }, now)).toBe(false);
  });
  it('restricts everything but signing in and out for others during a whole-system restriction', () => {
    expect(isRestricted(whole, user('USER'), { type: 'query', rootFields: ['rooms'] }, now)).toBe(true);
    expect(isRestricted(whole, anonymous, { type: 'mutation', rootFields: ['signIn'] }, now)).toBe(false);
    expect(isRestricted(whole, user('USER'), { type: 'query', rootFields: ['me', 'systemRestriction'] }, now)).toBe(
      false,
    );
    expect(isRestricted(whole, user('USER'), { type: 'query', rootFields: ['me', 'rooms'] }, now)).toBe(true);
  });
  it('allows only queries when read-only', () => {
    const readOnly: Restriction = { scope: 'READ_ONLY', operations: [], message: 'm', scheduledEndAt: null };
    expect(isRestricted(readOnly, user('USER'), { type: 'query', rootFields: ['rooms'] }, now)).toBe(false);
    expect(isRestricted(readOnly, user('USER'), { type: 'mutation', rootFields: ['openRoom'] }, now)).toBe(true);
  });
  it('restricts the named operations only', () => {
    const named: Restriction = { scope: 'OPERATIONS', operations: ['openRoom'], message: 'm', scheduledEndAt: null };
    expect(isRestricted(named, user('USER'), { type: 'mutation', rootFields: ['openRoom'] }, now)).toBe(true);
    expect(isRestricted(named, user('USER'), { type: 'mutation', rootFields: ['recordConsent'] }, now)).toBe(false);
  });
  it('restricts until its announced end, and nothing from that instant on', () => {
    const window: Restriction = { ...whole, scheduledEndAt: '2026-12-07T12:30:00.000Z' };
    const at = (iso: string) =>
      isRestricted(window, user('USER'), { type: 'query', rootFields: ['rooms'] }, new Date(iso));
    expect(at('2026-12-07T12:29:59.999Z')).toBe(true);
    expect(at('2026-12-07T12:30:00.000Z')).toBe(false);
    expect(at('2026-12-08T00:00:00.000Z')).toBe(false);
  });
});

describe('refusalMessage', () => {
  it("is the administrator's own words, with the announced end in Japan time when there is one", () => {
    expect(refusalMessage(whole)).toEqual({ en: 'maintenance', ja: 'maintenance' });
    expect(refusalMessage({ ...whole, message: '保守作業中', scheduledEndAt: '2026-12-07T21:00:00.000Z' })).toEqual({
      en: '保守作業中 (until 8 Dec 2026, 06:00, Japan time)',
      ja: '保守作業中（終了予定：2026/12/08 6:00）',
    });
    expect(refusalMessage({ ...whole, message: '' })).toBe(genericMessages.SERVICE_RESTRICTED);
  });
});
