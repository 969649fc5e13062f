// The chained trails a checkpoint covers, as the scripts and the worker reach
// them through one Prisma client: rooms' and consent's access records and
// identity's audit events, each read through its ChainReader (chain-reader.ts).
import type { PrismaClient } from '../../generated/prisma/client';
import { accessRecordReader, auditEventReader, type ChainReader } from './chain-reader';
import type { Trail } from './checkpoints';

export type TrailsDb = Pick<PrismaClient, 'roomsAccessRecord' | 'consentAccessRecord' | 'auditEvent'>;

export function trailReader(db: TrailsDb, trail: Trail): ChainReader {
  switch (trail) {
    case 'rooms':
      return accessRecordReader(db.roomsAccessRecord);
    case 'consent':
      return accessRecordReader(db.consentAccessRecord);
    case 'identity':
      return auditEventReader(db);
  }
}
