import { decideFaultStep, initialStatus, maySeeFault } from './fault-rules';

const fm = { role: 'FACILITY_MANAGER' as const, facilityId: 'a', userId: 'fm' };
const sa = { role: 'SYSTEM_ADMIN' as const, facilityId: 'city', userId: 'sa' };
const user = { role: 'USER' as const, facilityId: 'a', userId: 'u' };

describe('fault rules (Art. 22)', () => {
  it('walks user -> facility manager -> system admin', () => {
    expect(initialStatus(user)).toBe('REPORTED');
    expect(initialStatus(fm)).toBe('FORWARDED');
    expect(decideFaultStep({ status: 'REPORTED', facilityId: 'a' }, 'forward', fm)).toEqual({
      ok: true,
      next: 'FORWARDED',
    });
    expect(decideFaultStep({ status: 'FORWARDED', facilityId: 'a' }, 'investigate', sa)).toEqual({
      ok: true,
      next: 'INVESTIGATING',
    });
    expect(decideFaultStep({ status: 'INVESTIGATING', facilityId: 'a' }, 'resolve', sa)).toEqual({
      ok: true,
      next: 'RESOLVED',
    });
  });

  it('refuses the wrong actor and the wrong order', () => {
    expect(decideFaultStep({ status: 'REPORTED', facilityId: 'b' }, 'forward', fm)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(decideFaultStep({ status: 'REPORTED', facilityId: 'a' }, 'forward', user)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(decideFaultStep({ status: 'FORWARDED', facilityId: 'a' }, 'resolve', fm)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(decideFaultStep({ status: 'REPORTED', facilityId: 'a' }, 'resolve', sa)).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
    });
    expect(decideFaultStep({ status: 'RESOLVED', facilityId: 'a' }, 'investigate', sa)).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
    });
  });

  it('shows a report to its reporter, its facility manager and the system admin only', () => {
    const fault = { facilityId: 'a', reportedBy: 'u' };
    expect([user, fm, sa].map((v) => maySeeFault(fault, v))).toEqual([true, true, true]);
    expect(maySeeFault(fault, { role: 'USER', facilityId: 'a', userId: 'other' })).toBe(false);
    expect(maySeeFault(fault, { role: 'FACILITY_MANAGER', facilityId: 'b', userId: 'fm2' })).toBe(false);
    expect(maySeeFault(fault, { role: 'ADMIN_MANAGER', facilityId: 'city', userId: 'am' })).toBe(false);
  });
});
