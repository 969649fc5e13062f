// What consent's resolvers receive: its own tables only and request-scoped
// batch loaders.
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../lib/database';
import { isUuid } from '../../lib/batch';
import type { Principal } from '../../lib/access/principal';
import { currentStatus, type ConsentStatus } from './domain/consent-rules';

export type ConsentDb = Pick<PrismaClient, 'consentRecord' | '$transaction'>;

export interface ConsentContext {
  principal: Principal;
  db: ConsentDb;
  statusBySubject: DataLoader<string, ConsentStatus>;
}

export function createConsentContext(db: ConsentDb, principal: Principal): ConsentContext {
  return {
    principal,
    db,
    statusBySubject: new DataLoader(async (subjectIds) => {
      const valid = [...new Set(subjectIds.filter(isUuid))];
      // A subject's history is short (grant, withdraw, grant…), so reading
      // it whole in one query beats a per-subject "latest" lookup.
      const rows = valid.length
        ? await db.consentRecord.findMany({ where: { subjectId: { in: valid } }, orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }] })
        : [];
      const latest = new Map<string, (typeof rows)[number]>();
      for (const row of rows) if (!latest.has(row.subjectId)) latest.set(row.subjectId, row);
      return subjectIds.map((id) => currentStatus(latest.get(id)));
    }),
  };
}
