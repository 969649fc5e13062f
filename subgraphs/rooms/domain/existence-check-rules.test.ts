import { randomUUID } from 'node:crypto';
import type { Role } from '../../../lib/access/principal';
import {
  decideCheckAction,
  existenceCheckStatuses,
  isKanaName,
  isPlausibleBirthDate,
  mayAsk,
  maySeeCheck,
  nextStatus,
  visibleChecks,
  type Caller,
  type CheckAction,
  type CheckFacts,
  type ExistenceCheckStatus,
} from './existence-check-rules';

const facilityId = randomUUID();
const makeCaller = (role: Role, overrides: Partial<Caller> = {}): Caller => ({
  role,
  userId: randomUUID(),
  facilityId: randomUUID(),
  ...overrides,
});
const makeCheck = (overrides: Partial<CheckFacts> = {}): CheckFacts => ({
  status: 'AT_FACILITY_MANAGER',
  requestedBy: randomUUID(),
  facilityId,
  ...overrides,
});

function verdict(caller: Caller, check: CheckFacts, action: CheckAction) {
  const result = decideCheckAction(caller, check, action);
  return result.allowed ? 'allowed' : result.code;
}

/** Whether a check passes the filter visibleChecks gives the caller. */
function inScope(caller: Caller, check: CheckFacts): boolean {
  const scope = visibleChecks(caller);
  switch (scope.kind) {
    case 'all':
      return true;
    case 'statuses':
      return scope.statuses.includes(check.status);
    case 'facility':
      return scope.facilityId === check.facilityId;
    case 'requester':
      return scope.userId === check.requestedBy;
  }
}

describe('existence check rules', () => {
  const roles: Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'];
  const requester = makeCaller('USER', { facilityId });
  const facilityManager = makeCaller('FACILITY_MANAGER', { facilityId });
  const otherFacilityManager = makeCaller('FACILITY_MANAGER');
  const admin = makeCaller('ADMIN_MANAGER');
  const hospital = makeCaller('HOSPITAL_MANAGER');
  const sa = makeCaller('SYSTEM_ADMIN');
  const colleague = makeCaller('USER', { facilityId });

  it.each(roles)('only a USER asks (%s)', (role) => {
    expect(mayAsk(makeCaller(role))).toBe(role === 'USER');
  });

  it('climbs facility manager → admin or hospital manager → system admin, one actor per stage', () => {
    const at = (status: ExistenceCheckStatus) => makeCheck({ status, requestedBy: requester.userId });
    const table = [
      ['AT_FACILITY_MANAGER', facilityManager, 'pass'],
      ['AT_MANAGER', admin, 'pass'],
      ['AT_MANAGER', hospital, 'pass'],
      ['AT_SYSTEM_ADMIN', sa, 'answer'],
    ] as const;
    for (const [status, actor, action] of table)
      expect([status, actor.role, verdict(actor, at(status), action)]).toEqual([status, actor.role, 'allowed']);
    expect(nextStatus('AT_FACILITY_MANAGER')).toBe('AT_MANAGER');
    expect(nextStatus('AT_MANAGER')).toBe('AT_SYSTEM_ADMIN');
    expect(nextStatus('AT_SYSTEM_ADMIN')).toBe('ANSWERED');
    expect(() => nextStatus('ANSWERED')).toThrow();
  });

  it('refuses callers who never act on the check with FORBIDDEN', () => {
    const check = makeCheck({ requestedBy: requester.userId });
    for (const caller of [requester, colleague, otherFacilityManager, admin, hospital, sa])
      expect(verdict(caller, check, 'pass')).toBe('FORBIDDEN');
    for (const status of existenceCheckStatuses) {
      const c = makeCheck({ status, requestedBy: requester.userId });
      for (const caller of [requester, facilityManager, otherFacilityManager, admin, hospital])
        expect(verdict(caller, c, 'answer')).toBe('FORBIDDEN');
      expect(verdict(sa, c, 'pass')).toBe('FORBIDDEN');
      expect(verdict(otherFacilityManager, c, 'pass')).toBe('FORBIDDEN');
    }
  });

  it('answers a right actor at the wrong stage with ILLEGAL_TRANSITION', () => {
    const at = (status: ExistenceCheckStatus) => makeCheck({ status, requestedBy: requester.userId });
    expect(verdict(facilityManager, at('AT_MANAGER'), 'pass')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(facilityManager, at('ANSWERED'), 'pass')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(admin, at('AT_SYSTEM_ADMIN'), 'pass')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(hospital, at('ANSWERED'), 'pass')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(sa, at('AT_FACILITY_MANAGER'), 'answer')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(sa, at('AT_MANAGER'), 'answer')).toBe('ILLEGAL_TRANSITION');
    expect(verdict(sa, at('ANSWERED'), 'answer')).toBe('ILLEGAL_TRANSITION');
    // Before the check reaches them, managers may not even see it.
    expect(verdict(admin, at('AT_FACILITY_MANAGER'), 'pass')).toBe('FORBIDDEN');
  });

  it('shows a check to its requester, its facility manager, managers once reached, and the system admin', () => {
    for (const status of existenceCheckStatuses) {
      const check = makeCheck({ status, requestedBy: requester.userId });
      const reached = status !== 'AT_FACILITY_MANAGER';
      expect([
        status,
        maySeeCheck(requester, check),
        maySeeCheck(facilityManager, check),
        maySeeCheck(sa, check),
      ]).toEqual([status, true, true, true]);
      expect([status, maySeeCheck(admin, check), maySeeCheck(hospital, check)]).toEqual([status, reached, reached]);
      expect([status, maySeeCheck(colleague, check), maySeeCheck(otherFacilityManager, check)]).toEqual([
        status,
        false,
        false,
      ]);
    }
  });

  it('lists exactly the checks a caller may see', () => {
    const callers = [requester, colleague, facilityManager, otherFacilityManager, admin, hospital, sa];
    for (const status of existenceCheckStatuses) {
      for (const check of [
        makeCheck({ status, requestedBy: requester.userId }),
        makeCheck({ status, facilityId: randomUUID() }),
      ]) {
        for (const caller of callers)
          expect([caller.role, status, inScope(caller, check)]).toEqual([
            caller.role,
            status,
            maySeeCheck(caller, check),
          ]);
      }
    }
  });

  it('accepts kana in any spelling and refuses anything else', () => {
    for (const name of ['タカオカ タロウ', 'たかおか　たろう', 'ﾀｶｵｶﾀﾛｳ', 'コーヒー・ジョン'])
      expect([name, isKanaName(name)]).toEqual([name, true]);
    for (const name of ['高岡太郎', 'Taro', ' ', '', 'たろう1'])
      expect([name, isKanaName(name)]).toEqual([name, false]);
  });

  it('accepts past birth dates after 1900 only', () => {
    const today = new Date('2026-05-01T03:00:00Z');
    expect(isPlausibleBirthDate('1950-04-01', today)).toBe(true);
    expect(isPlausibleBirthDate('2026-05-01', today)).toBe(true);
    expect(isPlausibleBirthDate('2026-05-02', today)).toBe(false);
    expect(isPlausibleBirthDate('1899-12-31', today)).toBe(false);
  });
});
