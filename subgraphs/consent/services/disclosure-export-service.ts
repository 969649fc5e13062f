// Exporting the disclosure report (appendix 5). Exports are themselves
// audited: the export row, the request's REPORTED status and the WRITE
// record in consent's access chain commit together, under the chain's lock,
// all stamped with one instant. That instant is the report's `asOf`: every
// access record about the subject up to it is listed, including this
// export's own record in consent's chain.
import { randomUUID } from 'node:crypto';
import { notFound } from '../../../lib/graphql-errors';
import type { UserPrincipal } from '../../../lib/access/principal';
import { appendAccessRecord } from '../../../lib/audit/access-log';
import type { DisclosureExport } from '../../../generated/prisma/client';
import type { ConsentDb } from '../context';
import { accessFacts, chainStore, lockChain } from './access-record-service';

export const disclosureFormats = ['JSON', 'CSV'] as const;
export type DisclosureFormat = (typeof disclosureFormats)[number];

/**
 * The export's instant (the report's asOf) is read after the chain's lock is
 * held, which every withholding also takes: a withholding that committed
 * before this export is then always earlier than asOf, so the report cannot
 * miss it; one that comes later is refused (the request is REPORTED).
 */
export function exportDisclosureReport(
  db: ConsentDb,
  actor: UserPrincipal,
  requestId: string,
  format: DisclosureFormat,
  now: () => Date,
): Promise<DisclosureExport> {
  return db.$transaction(async (tx) => {
    await lockChain(tx);
    const at = now();
    const request = await tx.disclosureRequest.findUnique({ where: { id: requestId } });
    if (!request)
      throw notFound({
        en: 'There is no such disclosure request. Check the id.',
        ja: 'その開示請求はありません。ID を確認してください。',
      });
    const created = await tx.disclosureExport.create({
      data: { id: randomUUID(), requestId, format, exportedBy: actor.userId, exportedAt: at },
    });
    if (request.status !== 'REPORTED')
      await tx.disclosureRequest.update({ where: { id: requestId }, data: { status: 'REPORTED' } });
    await appendAccessRecord(
      chainStore(tx),
      accessFacts(
        actor,
        { action: 'WRITE', what: 'exportDisclosureReport', subjectId: request.subjectId, outcome: 'OK' },
        at,
      ),
    );
    return created;
  });
}

export function exportsOf(db: ConsentDb, requestId: string): Promise<DisclosureExport[]> {
  return db.disclosureExport.findMany({ where: { requestId }, orderBy: [{ exportedAt: 'asc' }, { id: 'asc' }] });
}
