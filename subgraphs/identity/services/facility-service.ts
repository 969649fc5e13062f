// The facility directory. Facilities are registered, changed and stopped
// only through Forms 1-3 (application-service, form-application).
import type { z } from 'zod';
import { readPage } from '../../../lib/cursor';
import { pageArgs } from '../../../lib/input';
import type { IdentityDb } from '../context';

export const listFacilitiesArgs = pageArgs(100);

export function listFacilities(db: IdentityDb, args: z.infer<typeof listFacilitiesArgs>) {
  return readPage(
    args,
    'createdAt',
    (where, take) => db.facility.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
    (row) => row.createdAt,
  );
}
