// Each subgraph's own copy of the care relationships
// (<schema>.care_relationship, with <schema>.care_relationship_version
// saying when a subject's set was computed). The care-relationships-changed
// job replaces a subject's whole set in each schema through its owner's
// service; the owner's resolvers ask it through a request-scoped loader. The
// same SQL serves the three schemas, as lib/outbox-table.ts serves the three
// outboxes; each owner binds its own schema name and never another's.
import DataLoader from 'dataloader';
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../database';
import { isUuid } from '../input';
import {
  hasCareRelationship,
  type CareBasis,
  type CarePurpose,
  type CareCaller,
  type CareRelationship,
  type HolderKind,
} from './care-relationship';
import type { Principal } from './principal';

export type CareSchema = 'identity' | 'rooms' | 'consent';
export type CareViewDb = Pick<PrismaClient, '$queryRaw' | '$executeRaw' | '$transaction'>;

const tables: Record<CareSchema, { relationships: Prisma.Sql; versions: Prisma.Sql }> = {
  identity: {
    relationships: Prisma.raw('identity.care_relationship'),
    versions: Prisma.raw('identity.care_relationship_version'),
  },
  rooms: {
    relationships: Prisma.raw('rooms.care_relationship'),
    versions: Prisma.raw('rooms.care_relationship_version'),
  },
  consent: {
    relationships: Prisma.raw('consent.care_relationship'),
    versions: Prisma.raw('consent.care_relationship_version'),
  },
};

/**
 * Replaces the subject's relationships with `relationships`, read at
 * `computedAt`, unless the view already holds a set computed later (a late
 * or repeated job cannot roll it back). The version row's lock serializes
 * two jobs for one subject. Returns whether the set was written.
 */
export async function replaceCareRelationships(
  db: CareViewDb,
  schema: CareSchema,
  subjectId: string,
  relationships: readonly CareRelationship[],
  computedAt: Date,
): Promise<boolean> {
  const t = tables[schema];
  return db.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<Array<{ subject_id: string }>>`
      INSERT INTO ${t.versions} (subject_id, computed_at) VALUES (${subjectId}::uuid, ${computedAt})
      ON CONFLICT (subject_id) DO UPDATE SET computed_at = EXCLUDED.computed_at
        WHERE ${t.versions}.computed_at <= EXCLUDED.computed_at
      RETURNING subject_id`;
    if (claimed.length === 0) return false;
    await tx.$executeRaw`DELETE FROM ${t.relationships} WHERE subject_id = ${subjectId}::uuid`;
    await addCareRelationships(tx, schema, relationships);
    return true;
  });
}

/**
 * Adds relationships to an owner's copy inside the transaction of the fact
 * that creates them, so that, for instance, a registrant reads the subject
 * it has just registered. Only additions: the job's next set (which holds
 * them too) replaces everything, and anything that ends a relationship
 * waits for the job.
 */
export async function addCareRelationships(
  tx: Pick<PrismaClient, '$executeRaw'>,
  schema: CareSchema,
  relationships: readonly CareRelationship[],
): Promise<void> {
  if (relationships.length === 0) return;
  const values = relationships.map(
    (r) => Prisma.sql`(${r.subjectId}::uuid, ${r.holderKind}, ${r.holderId}::uuid, ${r.basis}, ${r.since}, ${r.until})`,
  );
  await tx.$executeRaw`INSERT INTO ${tables[schema].relationships} (subject_id, holder_kind, holder_id, basis, since, until) VALUES ${Prisma.join(values)}`;
}

interface Row {
  subject_id: string;
  holder_kind: HolderKind;
  holder_id: string | null;
  basis: CareBasis;
  until: Date | null;
}

/** The relationships of these subjects that could cover the caller (held by the caller, its facility or the deciders). */
export async function relationshipsOf(
  db: Pick<PrismaClient, '$queryRaw'>,
  schema: CareSchema,
  subjectIds: readonly string[],
  caller: CareCaller,
): Promise<Row[]> {
  if (subjectIds.length === 0) return [];
  const t = tables[schema];
  return db.$queryRaw<Row[]>`
    SELECT subject_id::text AS subject_id, holder_kind, holder_id::text AS holder_id, basis, until
    FROM ${t.relationships}
    WHERE subject_id = ANY(${[...subjectIds]}::uuid[])
      AND (holder_id = ${caller.userId}::uuid OR holder_id = ${caller.facilityId}::uuid OR holder_kind = 'DECIDERS')`;
}

/** Request-scoped: subject id → whether the caller has a care relationship with it now. Malformed ids and anonymous callers: false. */
export function careLoader(
  db: Pick<PrismaClient, '$queryRaw'>,
  schema: CareSchema,
  principal: Principal,
  now: () => Date,
  purpose: CarePurpose = 'act',
): DataLoader<string, boolean> {
  return new DataLoader(async (subjectIds) => {
    if (principal.kind !== 'user') return subjectIds.map(() => false);
    const valid = [...new Set(subjectIds.filter(isUuid))];
    const rows = await relationshipsOf(db, schema, valid, principal);
    const at = now();
    return subjectIds.map((id) =>
      hasCareRelationship(
        principal,
        rows
          .filter((row) => row.subject_id === id)
          .map((row) => ({ holderKind: row.holder_kind, holderId: row.holder_id, basis: row.basis, until: row.until })),
        at,
        purpose,
      ),
    );
  });
}
