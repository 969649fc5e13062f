// Which steps of Forms 8–10 a person may take now (Art. 20: the facility
// manager of the submitter's facility confirms, a system, admin or hospital
// manager decides, the submitter withdraws before a decision). The graph
// checks again; this only keeps buttons that would be refused off the page.
import type { Role, RoomApplicationStatus } from '../../../../generated/console/operations';

export interface Person {
  user: { id: string; role: Role; facility: { id: string } };
}

export interface RoomApplicationState {
  status: RoomApplicationStatus;
  facilityId: string;
  submittedBy: { id: string };
}

const deciders: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'];

/** The status that waits for this role: a facility manager confirms, the deciders decide. */
export function waitingStatusFor(role: Role): RoomApplicationStatus | null {
  if (role === 'FACILITY_MANAGER') return 'SUBMITTED';
  return deciders.includes(role) ? 'FORWARDED' : null;
}

export function roomStepsFor(me: Person, a: RoomApplicationState) {
  const role = me.user.role;
  return {
    confirm: role === 'FACILITY_MANAGER' && a.status === 'SUBMITTED' && a.facilityId === me.user.facility.id,
    decide: deciders.includes(role) && a.status === 'FORWARDED',
    withdraw: (a.status === 'SUBMITTED' || a.status === 'FORWARDED') && a.submittedBy.id === me.user.id,
  };
}
