import { roomStepsFor, waitingStatusFor, type RoomApplicationState } from './steps';

type Role = 'SYSTEM_ADMIN' | 'ADMIN_MANAGER' | 'HOSPITAL_MANAGER' | 'FACILITY_MANAGER' | 'USER';
const person = (role: Role, facility = 'f1', id = 'me') => ({ user: { id, role, facility: { id: facility } } });
const application = (status: RoomApplicationState['status'], facilityId = 'f1', by = 'someone') => ({
  status,
  facilityId,
  submittedBy: { id: by },
});

describe('the steps of Forms 8–10 a person is offered (Art. 20)', () => {
  it('waits for the facility manager to confirm, then for a decider', () => {
    expect(waitingStatusFor('FACILITY_MANAGER')).toBe('SUBMITTED');
    for (const role of ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'] as const)
      expect(waitingStatusFor(role)).toBe('FORWARDED');
    expect(waitingStatusFor('USER')).toBeNull();
  });

  it("lets only the submitter's own facility manager confirm, and a decider decide what was confirmed", () => {
    expect(roomStepsFor(person('FACILITY_MANAGER', 'f1'), application('SUBMITTED', 'f1')).confirm).toBe(true);
    expect(roomStepsFor(person('FACILITY_MANAGER', 'f2'), application('SUBMITTED', 'f1')).confirm).toBe(false);
    expect(roomStepsFor(person('HOSPITAL_MANAGER'), application('SUBMITTED')).decide).toBe(false);
    expect(roomStepsFor(person('HOSPITAL_MANAGER'), application('FORWARDED')).decide).toBe(true);
    expect(roomStepsFor(person('USER', 'f1', 'me'), application('FORWARDED', 'f1', 'me'))).toEqual({
      confirm: false,
      decide: false,
      withdraw: true,
    });
    expect(roomStepsFor(person('USER', 'f1', 'me'), application('APPLIED', 'f1', 'me')).withdraw).toBe(false);
  });
});
