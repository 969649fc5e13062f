import { administersUsers, userActions } from './user-actions';

const admin = { id: 'sa', role: 'SYSTEM_ADMIN' };
const adminManager = { id: 'am', role: 'ADMIN_MANAGER' };
const facilityManager = { id: 'fm', role: 'FACILITY_MANAGER' };
const user = (status: string | null, role = 'USER') => ({ id: 'u', role, status });

describe('the account actions the facilities screen offers', () => {
  it('lets the system admin suspend an active user and reinstate a suspended one, and reset either’s password', () => {
    expect(userActions(admin, user('ACTIVE'))).toEqual(['suspend', 'reset']);
    expect(userActions(admin, user('SUSPENDED'))).toEqual(['reinstate', 'reset']);
    expect(userActions(admin, user('DISABLED_INACTIVE'))).toEqual(['suspend', 'reinstate', 'reset']);
    expect(userActions(admin, user('ACTIVE', 'HOSPITAL_MANAGER'))).toEqual(['suspend', 'reset']);
  });

  it('offers nothing on a retired or deleted account, on one’s own, or when the status is not shown', () => {
    expect(userActions(admin, user('RETIRED'))).toEqual([]);
    expect(userActions(admin, user('DELETED'))).toEqual([]);
    expect(userActions(admin, { id: 'sa', role: 'SYSTEM_ADMIN', status: 'ACTIVE' })).toEqual([]);
    expect(userActions(admin, user(null))).toEqual([]);
  });

  it('lets an admin manager reset a staff member’s or facility manager’s password only', () => {
    expect(userActions(adminManager, user('ACTIVE'))).toEqual(['reset']);
    expect(userActions(adminManager, user('SUSPENDED', 'FACILITY_MANAGER'))).toEqual(['reset']);
    expect(userActions(adminManager, user('ACTIVE', 'ADMIN_MANAGER'))).toEqual([]);
    expect(userActions(adminManager, user('ACTIVE', 'HOSPITAL_MANAGER'))).toEqual([]);
  });

  it('offers a facility manager or a user no action', () => {
    expect(userActions(facilityManager, user('ACTIVE'))).toEqual([]);
    expect(userActions({ id: 'x', role: 'USER' }, user('ACTIVE'))).toEqual([]);
    expect(
      ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'].filter(administersUsers),
    ).toEqual(['SYSTEM_ADMIN', 'ADMIN_MANAGER']);
  });
});
