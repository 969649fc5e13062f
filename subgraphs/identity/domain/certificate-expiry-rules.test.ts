import { expiryRecipients, lookAheadUntil, warningThreshold, type PossibleRecipient } from './certificate-expiry-rules';

const day = 24 * 60 * 60 * 1000;
const now = new Date('2029-01-01T00:00:00Z');
const inDays = (days: number) => new Date(now.getTime() + days * day);

describe('warningThreshold', () => {
  it('is the smallest threshold the certificate is within, null before the first and once expired', () => {
    expect(warningThreshold(inDays(31), now, [30, 7])).toBeNull();
    expect(warningThreshold(inDays(30), now, [30, 7])).toBe(30);
    expect(warningThreshold(inDays(8), now, [30, 7])).toBe(30);
    expect(warningThreshold(inDays(7), now, [30, 7])).toBe(7);
    expect(warningThreshold(inDays(0.5), now, [7, 30])).toBe(7);
    expect(warningThreshold(now, now, [30, 7])).toBeNull();
    expect(warningThreshold(inDays(-3), now, [30, 7])).toBeNull();
  });

  it('looks as far ahead as the largest threshold', () => {
    expect(lookAheadUntil(now, [7, 30])).toEqual(inDays(30));
  });
});

describe('expiryRecipients', () => {
  const user = (
    id: string,
    role: PossibleRecipient['role'],
    facilityId: string,
    status: PossibleRecipient['status'] = 'ACTIVE',
  ) => ({
    id,
    role,
    facilityId,
    status,
  });
  const users = [
    user('admin', 'SYSTEM_ADMIN', 'city'),
    user('retired-admin', 'SYSTEM_ADMIN', 'city', 'RETIRED'),
    user('fm-a', 'FACILITY_MANAGER', 'a'),
    user('fm-a-inactive', 'FACILITY_MANAGER', 'a', 'DISABLED_INACTIVE'),
    user('fm-b', 'FACILITY_MANAGER', 'b'),
    user('user-a', 'USER', 'a'),
    user('hm-a', 'HOSPITAL_MANAGER', 'a'),
    user('am', 'ADMIN_MANAGER', 'city'),
  ];

  it("a terminal's: the active facility managers of its facility and every active system administrator", () => {
    expect(expiryRecipients({ kind: 'TERMINAL', facilityId: 'a' }, users)).toEqual(['admin', 'fm-a']);
  });

  it("the CA's and the server's: every active system administrator", () => {
    expect(expiryRecipients({ kind: 'CA' }, users)).toEqual(['admin']);
    expect(expiryRecipients({ kind: 'SERVER' }, users)).toEqual(['admin']);
  });
});
