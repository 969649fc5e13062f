import { faultSteps, instantOf, localNow, operationNames, stepKey, waitsFor, type FaultStatus } from './steps';

const facilityId = 'f-1';
const user = { role: 'USER', facilityId };
const manager = { role: 'FACILITY_MANAGER', facilityId };
const otherManager = { role: 'FACILITY_MANAGER', facilityId: 'f-2' };
const admin = { role: 'SYSTEM_ADMIN', facilityId: 'f-9' };
const fault = (status: FaultStatus) => ({ status, facilityId });

describe('the fault steps the console offers (Art. 22)', () => {
  it('lets the facility manager forward its own facility’s reported faults only', () => {
    expect(faultSteps(manager, fault('REPORTED'))).toEqual({ forward: true, investigate: false, resolve: false });
    expect(faultSteps(otherManager, fault('REPORTED')).forward).toBe(false);
    expect(faultSteps(manager, fault('FORWARDED')).forward).toBe(false);
  });

  it('lets the system admin investigate forwarded faults and answer forwarded or investigated ones', () => {
    expect(faultSteps(admin, fault('REPORTED'))).toEqual({ forward: false, investigate: false, resolve: false });
    expect(faultSteps(admin, fault('FORWARDED'))).toEqual({ forward: false, investigate: true, resolve: true });
    expect(faultSteps(admin, fault('INVESTIGATING'))).toEqual({ forward: false, investigate: false, resolve: true });
    expect(faultSteps(admin, fault('RESOLVED'))).toEqual({ forward: false, investigate: false, resolve: false });
  });

  it('offers a user no step, and says whose turn it is', () => {
    for (const status of ['REPORTED', 'FORWARDED', 'INVESTIGATING', 'RESOLVED'] as const)
      expect(waitsFor(user, fault(status))).toBe(false);
    expect(waitsFor(manager, fault('REPORTED'))).toBe(true);
    expect(waitsFor(admin, fault('INVESTIGATING'))).toBe(true);
  });

  it('names the history’s steps, the first being the report', () => {
    expect(stepKey(0, 'FORWARDED')).toBe('stepReport');
    expect([1, 2, 3].map((i) => stepKey(i, (['FORWARDED', 'INVESTIGATING', 'RESOLVED'] as const)[i - 1]!))).toEqual([
      'stepForward',
      'stepInvestigate',
      'stepResolve',
    ]);
  });
});

describe('the restriction and report forms', () => {
  it('reads operation names separated by commas, spaces or lines, once each', () => {
    expect(operationNames(' reportFault, registerSubject\nreportFault、 askRoomExists ')).toEqual([
      'reportFault',
      'registerSubject',
      'askRoomExists',
    ]);
    expect(operationNames('  ')).toEqual([]);
  });

  it('turns the terminal’s local time into an instant, and refuses what is not a time', () => {
    const local = localNow(new Date(2026, 11, 6, 9, 5));
    expect(local).toBe('2026-12-06T09:05');
    expect(instantOf(local)).toBe(new Date(2026, 11, 6, 9, 5).toISOString());
    expect(instantOf('')).toBeNull();
    expect(instantOf('yesterday')).toBeNull();
  });
});
