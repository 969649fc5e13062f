// Facilities: registration and listing. Registration here is the direct
// form used by the walking skeleton; the Form 1-3 application workflow
// (submitted, forwarded, decided) wraps it in the identity-and-access work.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readPage } from '../../../lib/cursor';
import { pageArgs, text } from '../../../lib/input';
import type { Facility } from '../../../generated/prisma/client';
import type { IdentityDb } from '../context';

export const facilityKinds = [
  'MEDICAL_INSTITUTION',
  'MIDWIFERY_HOME',
  'PHARMACY',
  'CARE_INSURANCE_SERVICE',
  'DISABILITY_WELFARE_SERVICE',
  'CHILD_WELFARE_FACILITY',
  'EDUCATION_BODY',
  'OTHER_APPROVED',
] as const;

export const registerFacilityInput = z.object({
  name: text(200),
  kind: z.enum(facilityKinds),
  insideCity: z.boolean(),
});

export const listFacilitiesArgs = pageArgs(100);

export async function registerFacility(db: IdentityDb, input: z.infer<typeof registerFacilityInput>): Promise<Facility> {
  return db.facility.create({ data: { id: randomUUID(), ...input } });
}

export function listFacilities(db: IdentityDb, args: z.infer<typeof listFacilitiesArgs>) {
  return readPage(
    args,
    'createdAt',
    (where, take) => db.facility.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
    (row) => row.createdAt,
  );
}
