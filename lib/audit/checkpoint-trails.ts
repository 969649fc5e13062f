// The chained trails a checkpoint covers, as the scripts and the worker reach
// them through one Prisma client: rooms' and consent's access records and
// identity's audit events, each read through a ChainReader that recomputes
// every record's hash with its own trail's canonical form.
import type { PrismaClient } from '../../generated/prisma/client';
import { auditEventHash, type JsonValue } from './audit-event-chain';
import type { ChainReader } from './chain-reader';
import type { Trail } from './checkpoints';
import { chainHash, type ChainedRecord } from './hash-chain';

export type TrailsDb = Pick<PrismaClient, 'roomsAccessRecord' | 'consentAccessRecord' | 'auditEvent'>;

/** The part of rooms' or consent's access_record delegate a reader needs. */
interface AccessRecordPages {
  findMany(args: { where: { seq: { gt: bigint } }; orderBy: { seq: 'asc' }; take: number }): Promise<ChainedRecord[]>;
}

export function accessRecordReader(records: AccessRecordPages): ChainReader {
  return {
    async page(after, take) {
      const rows = await records.findMany({ where: { seq: { gt: after } }, orderBy: { seq: 'asc' }, take });
      return rows.map((row) => ({
        seq: row.seq,
        prevHash: row.prevHash,
        hash: row.hash,
        computed: chainHash(row, row.prevHash),
      }));
    },
  };
}

/**
 * Identity's audit events. Events written before the chain began (migration
 * 20261206130000) carry no hash and stay outside it: the chain starts at the
 * first hashed event, and an unhashed event after that start is a break.
 */
export function auditEventReader(db: Pick<PrismaClient, 'auditEvent'>): ChainReader {
  let start: Promise<bigint | null> | undefined;
  const chainStart = () =>
    (start ??= db.auditEvent
      .findFirst({ where: { hash: { not: null } }, orderBy: { id: 'asc' }, select: { id: true } })
      .then((first) => first?.id ?? null));
  return {
    async page(after, take) {
      const first = await chainStart();
      if (first === null) return [];
      const rows = await db.auditEvent.findMany({
        where: { id: { gt: after < first ? first - 1n : after } },
        orderBy: { id: 'asc' },
        take,
      });
      return rows.map((row) => ({
        seq: row.id,
        prevHash: row.prevHash,
        hash: row.hash,
        computed:
          row.prevHash === null ? '' : auditEventHash({ ...row, details: row.details as JsonValue }, row.prevHash),
      }));
    },
  };
}

export function trailReader(db: TrailsDb, trail: Trail): ChainReader {
  switch (trail) {
    case 'rooms':
      return accessRecordReader(db.roomsAccessRecord as unknown as AccessRecordPages);
    case 'consent':
      return accessRecordReader(db.consentAccessRecord as unknown as AccessRecordPages);
    case 'identity':
      return auditEventReader(db);
  }
}
