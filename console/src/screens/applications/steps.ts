// Which steps of Forms 1–5 a person may take now, by the permission table
// (docs/access-rules.md): the buttons the application page shows. The graph
// checks again; this only keeps buttons that would be refused off the page.
import type { ApplicationStatus, Role } from '../../../../generated/console/operations';

export interface Person {
  user: { id: string; role: Role };
}

export interface ApplicationState {
  form: number;
  status: ApplicationStatus;
  submittedBy: { id: string };
}

const open = new Set(['SUBMITTED', 'FORWARDED']);

export function stepsFor(me: Person, a: ApplicationState) {
  const role = me.user.role;
  const waiting = open.has(a.status);
  return {
    forward: role === 'ADMIN_MANAGER' && a.status === 'SUBMITTED' && a.form <= 3,
    decide: waiting && (role === 'SYSTEM_ADMIN' || (role === 'ADMIN_MANAGER' && a.form >= 4)),
    withdraw: waiting && a.submittedBy.id === me.user.id,
  };
}
