// The chained trails a checkpoint covers, as the scripts reach them through
// one Prisma client: rooms' and consent's access records. (Identity's audit
// events are not chained yet, so they have no checkpoints: issue 14.)
import type { PrismaClient } from '../../generated/prisma/client';
import type { AccessRecordDelegate } from './access-log';
import type { Trail } from './checkpoints';

export type TrailsDb = Pick<PrismaClient, 'roomsAccessRecord' | 'consentAccessRecord'>;

export function trailRecords(db: TrailsDb, trail: Trail): AccessRecordDelegate {
  return (trail === 'rooms' ? db.roomsAccessRecord : db.consentAccessRecord) as unknown as AccessRecordDelegate;
}
