import { stepsFor, type ApplicationState } from './steps';

const person = (role: 'SYSTEM_ADMIN' | 'ADMIN_MANAGER' | 'FACILITY_MANAGER' | 'USER', id = 'me') => ({
  user: { id, role },
});
const application = (form: number, status: ApplicationState['status'], by = 'someone'): ApplicationState => ({
  form,
  status,
  submittedBy: { id: by },
});

describe('the steps of Forms 1–5 a person is offered', () => {
  it('lets an admin manager forward Forms 1–3 and decide Forms 4–5, the system admin decide all', () => {
    expect(stepsFor(person('ADMIN_MANAGER'), application(1, 'SUBMITTED'))).toEqual({
      forward: true,
      decide: false,
      withdraw: false,
    });
    expect(stepsFor(person('ADMIN_MANAGER'), application(4, 'SUBMITTED'))).toMatchObject({
      forward: false,
      decide: true,
    });
    expect(stepsFor(person('SYSTEM_ADMIN'), application(1, 'FORWARDED'))).toMatchObject({ decide: true });
    expect(stepsFor(person('SYSTEM_ADMIN'), application(5, 'SUBMITTED'))).toMatchObject({ decide: true });
  });

  it('offers nothing on a decided application, and withdrawal to its submitter only', () => {
    for (const status of ['APPLIED', 'REJECTED', 'WITHDRAWN'] as const)
      expect(stepsFor(person('SYSTEM_ADMIN', 'me'), application(4, status, 'me'))).toEqual({
        forward: false,
        decide: false,
        withdraw: false,
      });
    expect(stepsFor(person('FACILITY_MANAGER', 'me'), application(4, 'SUBMITTED', 'me')).withdraw).toBe(true);
    expect(stepsFor(person('FACILITY_MANAGER', 'me'), application(4, 'SUBMITTED', 'other'))).toEqual({
      forward: false,
      decide: false,
      withdraw: false,
    });
  });
});
