// Which account actions the console offers on a facility's user, mirroring
// the graph's rules (identity's system-admin-service and password-service):
// the system admin suspends (Art. 23-3) and reinstates a suspended or disabled
// account; the system admin or an admin manager resets a forgotten password,
// only the system admin a manager's; nobody acts on their own account, nor on
// a retired or deleted one. The graph stays the authority: these only decide
// which buttons are shown. Pure, for the unit tests.

export type UserAction = 'suspend' | 'reinstate' | 'reset';

export interface AccountFacts {
  id: string;
  role: string;
  /** null when the viewer may not see it: then nothing is offered. */
  status: string | null | undefined;
}

/** Roles whose accounts only the system admin manages (Form 4's onlySystemAdminMayGrant). */
const managerRoles = new Set(['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER']);

export function userActions(viewer: { id: string; role: string }, user: AccountFacts): UserAction[] {
  if (!user.status || user.id === viewer.id) return [];
  const admin = viewer.role === 'SYSTEM_ADMIN';
  const actions: UserAction[] = [];
  if (admin && (user.status === 'ACTIVE' || user.status === 'DISABLED_INACTIVE')) actions.push('suspend');
  if (admin && (user.status === 'SUSPENDED' || user.status === 'DISABLED_INACTIVE')) actions.push('reinstate');
  const mayReset = admin || (viewer.role === 'ADMIN_MANAGER' && !managerRoles.has(user.role));
  if (mayReset && user.status !== 'RETIRED' && user.status !== 'DELETED') actions.push('reset');
  return actions;
}

/** Whether this viewer may act on any account at all (the table's actions column). */
export function administersUsers(role: string): boolean {
  return role === 'SYSTEM_ADMIN' || role === 'ADMIN_MANAGER';
}
