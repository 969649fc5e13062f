// The facility directory. Facilities are registered, changed and stopped
// only through Forms 1-3 (application-service, form-application).
import type { z } from 'zod';
import type { Facility } from '../../../generated/prisma/client';
import { readPage } from '../../../lib/cursor';
import { appError, notFound } from '../../../lib/graphql-errors';
import { pageArgs } from '../../../lib/input';
import type { Message } from '../../../lib/messages/message';
import type { IdentityContext, IdentityDb } from '../context';

export const listFacilitiesArgs = pageArgs(100);

export function listFacilities(db: IdentityDb, args: z.infer<typeof listFacilitiesArgs>) {
  return readPage(
    args,
    'createdAt',
    (where, take) => db.facility.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
    (row) => row.createdAt,
  );
}

/**
 * The facility an application or a certificate is for, which must exist (NOT_FOUND) and still use
 * the network (CONFLICT, saying what a stopped facility cannot have: `refusedWhenStopped`).
 */
export async function activeFacility(
  ctx: IdentityContext,
  facilityId: string | null | undefined,
  refusedWhenStopped: Message,
): Promise<Facility> {
  const facility = facilityId ? await ctx.facilityById.load(facilityId) : null;
  if (!facility)
    throw notFound({
      en: 'There is no such facility. Check the id.',
      ja: 'その施設はありません。ID を確認してください。',
    });
  if (facility.status !== 'ACTIVE')
    throw appError('CONFLICT', {
      en: `The facility has stopped using the network. ${refusedWhenStopped.en}`,
      ja: `この施設はネットワークの利用を停止しています。${refusedWhenStopped.ja}`,
    });
  return facility;
}
