// Users and subjects that rooms knows of. Fixtures that write identity's rows
// directly (as an approved form would) bring rooms' directory view up to date
// with the very function the directory-changed job runs: tests without
// workers have no job to wait for, and with workers the job's later run
// changes nothing.
import { randomUUID } from 'node:crypto';
import { refreshDirectoryView } from '../../adapters/jobs/directory-changed';
import { refreshCareRelationships } from '../../adapters/jobs/care-relationships-changed';
import type { DepsWith, JobNeed } from '../../adapters/job-definition';
import type { DirectoryRef } from '../../subgraphs/identity/services/outbox';
import type { TestSystem } from './test-system';

export async function syncDirectory(t: { db: Pick<TestSystem['db'], 'prisma'> }, ref: DirectoryRef): Promise<void> {
  const deps = {
    identity: { db: t.db.prisma },
    rooms: t.db.prisma,
    consent: t.db.prisma,
  } as unknown as DepsWith<JobNeed>;
  await refreshDirectoryView(deps, ref);
}

/** What the care-relationships-changed job does for one subject, run now (need to know). */
export async function syncCare(t: { db: Pick<TestSystem['db'], 'prisma'> }, subjectId: string): Promise<void> {
  const deps = {
    identity: { db: t.db.prisma },
    rooms: t.db.prisma,
    consent: t.db.prisma,
  } as unknown as DepsWith<JobNeed>;
  await refreshCareRelationships(deps, subjectId);
}

let counter = 0;

/**
 * A subject registered in identity (written directly, not through
 * registerSubject) and known to rooms. `registrant` (a user, and so its
 * facility) is related to it, as registering relates the registrant; with
 * no registrant nobody is.
 */
export async function registeredSubject(
  t: Pick<TestSystem, 'db'>,
  subjectId: string = randomUUID(),
  registrant?: { userId: string; facilityId: string },
): Promise<string> {
  counter += 1;
  const exists = await t.db.prisma.subject.findUnique({ where: { id: subjectId }, select: { id: true } });
  if (!exists) {
    await t.db.prisma.subject.create({
      data: {
        id: subjectId,
        name: `試験 ${counter}`,
        nameKana: 'シケン',
        nameKey: `シケン${subjectId}`,
        birthDate: new Date('1940-04-01T00:00:00Z'),
        registeredBy: registrant?.userId ?? null,
        registeredFacilityId: registrant?.facilityId ?? null,
      },
    });
  }
  await syncDirectory(t, { subjectId });
  await syncCare(t, subjectId);
  return subjectId;
}
