// The names a join Task carries (contract v1): the requesting admin's and our
// user's display names and the user's facility. They are read at send time
// and go only into the Task sent over TLS to the partner the system admin
// approved, never into a job payload or a log.
//
// Identity has no service for this read yet, so it is done here, read-only,
// on identity's database handle (JobDependencies.identity.db); it belongs in
// identity's services (with the rest of what identity tells partners).
import type { IdentityDb } from '../../subgraphs/identity/context';

export interface TaskNames {
  userName: string;
  facilityName: string;
  adminName: string;
}

export async function taskNames(db: Pick<IdentityDb, 'user' | 'facility'>, ids: { userId: string; facilityId: string; adminId: string }): Promise<TaskNames | null> {
  const [user, facility, admin] = await Promise.all([
    db.user.findUnique({ where: { id: ids.userId }, select: { name: true } }),
    db.facility.findUnique({ where: { id: ids.facilityId }, select: { name: true } }),
    db.user.findUnique({ where: { id: ids.adminId }, select: { name: true } }),
  ]);
  if (!user || !facility || !admin) return null;
  return { userName: user.name, facilityName: facility.name, adminName: admin.name };
}
