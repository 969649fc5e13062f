import type { Role } from '../access/principal';
import { decideStep, maySubmit, type ApplicationFacts, type Actor } from './application-workflow';

const actor = (role: Role, facilityId = 'facility-a', userId = `${role}-1`): Actor => ({ role, facilityId, userId });
const application = (over: Partial<ApplicationFacts> = {}): ApplicationFacts => ({
  form: 1,
  status: 'SUBMITTED',
  facilityId: null,
  submittedBy: 'FACILITY_MANAGER-1',
  ...over,
});

describe('application workflow', () => {
  it('walks Form 1: submitted by a facility manager, forwarded by an admin manager, approved by the system admin, applied', () => {
    expect(maySubmit(1, actor('FACILITY_MANAGER'), null)).toBe(true);
    const forwarded = decideStep(application(), 'forward', actor('ADMIN_MANAGER'));
    expect(forwarded).toEqual({ ok: true, next: 'FORWARDED', copyToSystemAdmin: false });
    const approved = decideStep(application({ status: 'FORWARDED' }), 'approve', actor('SYSTEM_ADMIN'));
    expect(approved).toEqual({ ok: true, next: 'APPROVED', copyToSystemAdmin: false });
    expect(decideStep(application({ status: 'APPROVED' }), 'apply', actor('SYSTEM_ADMIN'))).toMatchObject({
      ok: true,
      next: 'APPLIED',
    });
  });

  it('lets the system admin decide a facility form without forwarding, and nobody else decide it', () => {
    expect(decideStep(application(), 'approve', actor('SYSTEM_ADMIN'))).toMatchObject({ ok: true });
    for (const role of ['ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'] as const) {
      expect(decideStep(application(), 'approve', actor(role))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
  });

  it('copies an admin manager decision on Forms 4-5 to the system admin', () => {
    const form4 = application({ form: 4, facilityId: 'facility-a' });
    expect(decideStep(form4, 'approve', actor('ADMIN_MANAGER'))).toEqual({
      ok: true,
      next: 'APPROVED',
      copyToSystemAdmin: true,
    });
    expect(decideStep(form4, 'approve', actor('SYSTEM_ADMIN'))).toEqual({
      ok: true,
      next: 'APPROVED',
      copyToSystemAdmin: false,
    });
  });

  it('limits facility managers to their own facility for Forms 2-5', () => {
    for (const form of [2, 3, 4, 5] as const) {
      expect(maySubmit(form, actor('FACILITY_MANAGER', 'facility-a'), 'facility-a')).toBe(true);
      expect(maySubmit(form, actor('FACILITY_MANAGER', 'facility-a'), 'facility-b')).toBe(false);
      expect(maySubmit(form, actor('USER', 'facility-a'), 'facility-a')).toBe(false);
    }
  });

  it('requires the facility manager to confirm room forms before any decision', () => {
    const form8 = application({ form: 8, facilityId: 'facility-a', submittedBy: 'USER-1' });
    expect(maySubmit(8, actor('USER'), 'facility-a')).toBe(true);
    expect(decideStep(form8, 'approve', actor('HOSPITAL_MANAGER'))).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
    });
    expect(decideStep(form8, 'forward', actor('FACILITY_MANAGER', 'facility-b'))).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(decideStep(form8, 'forward', actor('FACILITY_MANAGER', 'facility-a'))).toMatchObject({
      ok: true,
      next: 'FORWARDED',
    });
    expect(decideStep({ ...form8, status: 'FORWARDED' }, 'approve', actor('HOSPITAL_MANAGER'))).toEqual({
      ok: true,
      next: 'APPROVED',
      copyToSystemAdmin: true,
    });
  });

  it('refuses illegal transitions with ILLEGAL_TRANSITION', () => {
    for (const status of ['APPROVED', 'REJECTED', 'APPLIED', 'WITHDRAWN'] as const) {
      expect(decideStep(application({ status }), 'approve', actor('SYSTEM_ADMIN'))).toMatchObject({
        ok: false,
        code: 'ILLEGAL_TRANSITION',
      });
      expect(decideStep(application({ status }), 'reject', actor('SYSTEM_ADMIN'))).toMatchObject({
        ok: false,
        code: 'ILLEGAL_TRANSITION',
      });
    }
    expect(decideStep(application({ status: 'FORWARDED' }), 'forward', actor('ADMIN_MANAGER'))).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
    });
    expect(decideStep(application({ status: 'SUBMITTED' }), 'apply', actor('SYSTEM_ADMIN'))).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
    });
  });

  it('lets only the submitter withdraw, before a decision', () => {
    expect(decideStep(application(), 'withdraw', actor('FACILITY_MANAGER'))).toMatchObject({
      ok: true,
      next: 'WITHDRAWN',
    });
    expect(decideStep(application(), 'withdraw', actor('SYSTEM_ADMIN'))).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(decideStep(application({ status: 'APPROVED' }), 'withdraw', actor('FACILITY_MANAGER'))).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
    });
  });
});
