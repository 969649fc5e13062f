// What identity's resolvers receive: its own tables only (the type forbids
// reaching rooms or consent tables) and request-scoped batch loaders.
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../lib/database';
import type { Facility, Subject } from '../../generated/prisma/client';
import { loadByIds } from '../../lib/batch';

export type IdentityDb = Pick<PrismaClient, 'facility' | 'subject' | '$transaction'>;

export interface IdentityContext {
  db: IdentityDb;
  facilityById: DataLoader<string, Facility | null>;
  subjectById: DataLoader<string, Subject | null>;
}

export function createIdentityContext(db: IdentityDb): IdentityContext {
  return {
    db,
    facilityById: new DataLoader((ids) => loadByIds(ids, (idList) => db.facility.findMany({ where: { id: { in: idList } } }))),
    subjectById: new DataLoader((ids) => loadByIds(ids, (idList) => db.subject.findMany({ where: { id: { in: idList } } }))),
  };
}
