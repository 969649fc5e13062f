// What other parts of the system may know about identity's directory
// without reading its tables: for the directory-changed job, which keeps
// rooms' directory view current. Facts only, no personal data: whether a
// user is active (may sign in, facility not stopped), its facility and the
// facility's Art. 6 kind; whether a subject is registered; whether a partner
// is registered and active.
import type { PrismaClient } from '../../../lib/database';
import type { DirectoryRef } from './outbox';

export type DirectoryFactsDb = Pick<PrismaClient, 'user' | 'subject' | 'partner'>;

export interface UserFacts {
  userId: string;
  facilityId: string;
  facilityKind: string;
  active: boolean;
  /** Retired (Form 5) or deleted (Art. 23): gone for good, unlike a suspension or an inactivity stop. */
  departed: boolean;
}

export interface DirectoryFacts {
  users: UserFacts[];
  /** Subjects that exist (an unknown id is simply absent). */
  subjectIds: string[];
  /** Registered partners, and whether they are active (not suspended). */
  partners: Array<{ partnerId: string; active: boolean }>;
}

/** The current facts for one announced change: a user, every user of a facility, or a subject. */
export async function directoryFactsFor(db: DirectoryFactsDb, ref: DirectoryRef): Promise<DirectoryFacts> {
  if ('subjectId' in ref) {
    const subject = await db.subject.findUnique({ where: { id: ref.subjectId }, select: { id: true } });
    return { users: [], subjectIds: subject ? [subject.id] : [], partners: [] };
  }
  if ('partnerId' in ref) {
    const partner = await db.partner.findUnique({ where: { id: ref.partnerId }, select: { id: true, status: true } });
    return {
      users: [],
      subjectIds: [],
      partners: partner ? [{ partnerId: partner.id, active: partner.status === 'ACTIVE' }] : [],
    };
  }
  const where = 'userId' in ref ? { id: ref.userId } : { facilityId: ref.facilityId };
  const users = await db.user.findMany({
    where,
    select: { id: true, status: true, facilityId: true, facility: { select: { kind: true, status: true } } },
  });
  return {
    users: users.map((u) => ({
      userId: u.id,
      facilityId: u.facilityId,
      facilityKind: u.facility.kind,
      active: u.status === 'ACTIVE' && u.facility.status === 'ACTIVE',
      departed: u.status === 'RETIRED' || u.status === 'DELETED',
    })),
    subjectIds: [],
    partners: [],
  };
}
