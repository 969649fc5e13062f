// What consent's resolvers receive: its own tables only, the clock, and
// request-scoped batch loaders: one query per kind of data for all the
// subjects a request touches, and one transaction for all the access
// records it appends.
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../lib/database';
import { loadLists } from '../../lib/batch';
import { careLoader } from '../../lib/access/care-relationship-view';
import type { Principal } from '../../lib/access/principal';
import type { ConsentRecord, LegalException } from '../../generated/prisma/client';
import { appendAccessEntries, type AccessEntry } from './services/access-record-service';

export type ConsentDb = Pick<
  PrismaClient,
  | 'consentRecord'
  | 'legalException'
  | 'consentAccessRecord'
  | 'disclosureRequest'
  | 'disclosureWithholding'
  | 'disclosureExport'
  | 'consentKnownSubject'
  | '$transaction'
  | '$queryRaw'
>;

export interface ConsentContext {
  principal: Principal;
  db: ConsentDb;
  now: () => Date;
  /** A subject's consent history, newest first. */
  historyBySubject: DataLoader<string, ConsentRecord[]>;
  /** A subject's exceptions that have not ended, oldest first. */
  activeExceptionsBySubject: DataLoader<string, LegalException[]>;
  /** Appends an access record; the request's records are appended together, each distinct one once. */
  accessLog: DataLoader<AccessEntry, void, string>;
  /** Subject id → whether the caller has a care relationship with it (consent's copy of the relationships). */
  careOf: DataLoader<string, boolean>;
}

export function createConsentContext(
  db: ConsentDb,
  principal: Principal,
  now: () => Date = () => new Date(),
): ConsentContext {
  return {
    principal,
    db,
    now,
    // A subject's history is short (grant, withdraw, grant…): reading it whole in one query serves both the status and the history.
    historyBySubject: new DataLoader((ids) =>
      loadLists(
        ids,
        (valid) =>
          db.consentRecord.findMany({
            where: { subjectId: { in: valid } },
            orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }],
          }),
        (row) => row.subjectId,
      ),
    ),
    activeExceptionsBySubject: new DataLoader((ids) =>
      loadLists(
        ids,
        (valid) =>
          db.legalException.findMany({
            where: { subjectId: { in: valid }, endedAt: null },
            orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
          }),
        (row) => row.subjectId,
      ),
    ),
    careOf: careLoader(db, 'consent', principal, now),
    accessLog: new DataLoader(
      async (entries) => {
        await appendAccessEntries(db, principal, entries, now());
        return entries.map(() => undefined);
      },
      { cacheKeyFn: (e) => JSON.stringify([e.action, e.what, e.subjectId, e.roomId ?? null, e.outcome]) },
    ),
  };
}
