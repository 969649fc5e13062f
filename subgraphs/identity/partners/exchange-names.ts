// What identity tells a partner about our people in a join Task (contract
// v1): the requesting admin's and our user's display names and the user's
// facility, with (contract v2, issue 17 part 5) the facility's Japanese
// identifiers where the registry has them. The outbound-join-send job reads them at send time; they go only
// into the Task sent over TLS to the partner the system admin approved,
// never into a job payload or a log.
import type { IdentityDb } from '../context';

export interface TaskNames {
  userName: string;
  facilityName: string;
  medicalInstitutionCode: string | null;
  careProviderNumber: string | null;
  adminName: string;
}

export async function taskNames(
  db: Pick<IdentityDb, 'user' | 'facility'>,
  ids: { userId: string; facilityId: string; adminId: string },
): Promise<TaskNames | null> {
  const [user, facility, admin] = await Promise.all([
    db.user.findUnique({ where: { id: ids.userId }, select: { name: true } }),
    db.facility.findUnique({
      where: { id: ids.facilityId },
      select: { name: true, medicalInstitutionCode: true, careProviderNumber: true },
    }),
    db.user.findUnique({ where: { id: ids.adminId }, select: { name: true } }),
  ]);
  if (!user || !facility || !admin) return null;
  return {
    userName: user.name,
    facilityName: facility.name,
    medicalInstitutionCode: facility.medicalInstitutionCode,
    careProviderNumber: facility.careProviderNumber,
    adminName: admin.name,
  };
}
