// The seed writes the care relationships in bulk SQL (bench/seed.ts); this
// checks them against the job that owns them. On a copy of the freshly
// seeded database (so the bench's own rows stay as seeded), it runs the
// care-relationships-changed job's refreshCareRelationships for a sample of
// subjects and compares, in each of the three schemas, the rows it wrote
// with the seeded ones (ids aside). A difference stops the bench: a seed
// that drifted from the rule would measure refusals, or relationships the
// system would never hold.
import { Client } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { refreshCareRelationships } from '../adapters/jobs/care-relationships-changed';
import { defaultIdentitySettings } from '../subgraphs/identity/settings';
import { copyBenchDatabase, type BenchDatabase } from './database';
import { benchId, careSchemas, type SeedSizes } from './seed';

export interface SeedCheck {
  subjects: number;
  /** Relationship rows compared, over the three schemas. */
  rows: number;
  seconds: number;
}

/** About twenty subjects: the first busy rooms' (the bench user is an extra member there) and others spread over the rest. */
export function sampleSubjects(sizes: SeedSizes, count = 20): string[] {
  const S = sizes.subjects;
  const busy = Math.max(1, Math.floor(S / 100));
  const picks = new Set([1, 2, busy, Math.min(S, busy + 1), S]);
  for (let k = 1; picks.size < Math.min(count, S) && k < 100 * count; k += 1) picks.add(1 + ((k * 2477) % S));
  return [...picks].map((n) => benchId('subject', n));
}

type RowsBySchema = Record<(typeof careSchemas)[number], string[]>;

/** When each sampled subject's set was computed, per schema (to see that the job did write). */
async function versions(client: Client, subjectIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const schema of careSchemas) {
    const { rows } = await client.query<{ subject_id: string; at: Date }>(
      `SELECT subject_id::text, computed_at AS at FROM ${schema}.care_relationship_version WHERE subject_id = ANY($1::uuid[])`,
      [subjectIds],
    );
    for (const row of rows) out.set(`${schema} ${row.subject_id}`, row.at.getTime());
  }
  return out;
}

async function readRelationships(client: Client, subjectIds: string[]): Promise<RowsBySchema> {
  const out = {} as RowsBySchema;
  for (const schema of careSchemas) {
    const { rows } = await client.query<{ row: string }>(
      `SELECT concat_ws(' ', r.subject_id, r.holder_kind, coalesce(r.holder_id::text, '-'), r.basis, to_char(r.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'),
                        coalesce(to_char(r.until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), '-'), CASE WHEN v.subject_id IS NULL THEN 'no-version' END) AS row
       FROM ${schema}.care_relationship r LEFT JOIN ${schema}.care_relationship_version v ON v.subject_id = r.subject_id
       WHERE r.subject_id = ANY($1::uuid[]) ORDER BY 1`,
      [subjectIds],
    );
    const versions = await client.query(
      `SELECT 1 FROM ${schema}.care_relationship_version WHERE subject_id = ANY($1::uuid[])`,
      [subjectIds],
    );
    out[schema] = [...rows.map((r) => r.row), `${versions.rowCount} version rows`];
  }
  return out;
}

export async function checkSeededCareRelationships(
  adminUrl: string,
  seeded: BenchDatabase,
  sizes: SeedSizes,
): Promise<SeedCheck> {
  const t0 = performance.now();
  const subjectIds = sampleSubjects(sizes);
  const copy = await copyBenchDatabase(adminUrl, seeded, 'check');
  const client = new Client({ connectionString: copy.url });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: copy.url, max: 2 }) });
  try {
    await client.connect();
    const before = await readRelationships(client, subjectIds);
    const versionsBefore = await versions(client, subjectIds);
    const deps = {
      identity: { db: prisma, settings: defaultIdentitySettings, now: () => new Date() },
      rooms: prisma,
      consent: prisma,
    };
    for (const subjectId of subjectIds) await refreshCareRelationships(deps, subjectId);
    const after = await readRelationships(client, subjectIds);
    // The job skips a set computed later than its own run; each sampled set must have been rewritten, or the comparison proves nothing.
    const versionsAfter = await versions(client, subjectIds);
    const notWritten = [...versionsBefore]
      .filter(([key, at]) => !((versionsAfter.get(key) ?? 0) > at))
      .map(([key]) => key);
    if (versionsBefore.size !== subjectIds.length * careSchemas.length || notWritten.length) {
      throw new Error(
        `the seed check could not compare: ${versionsBefore.size} seeded version rows for ${subjectIds.length} subjects in three schemas; not rewritten by the job: ${notWritten.slice(0, 3).join(', ') || 'none'}`,
      );
    }
    const problems = careSchemas.flatMap((schema) => {
      const seededRows = new Set(before[schema]);
      const jobRows = new Set(after[schema]);
      const missing = after[schema].filter((row) => !seededRows.has(row));
      const extra = before[schema].filter((row) => !jobRows.has(row));
      return missing.length || extra.length
        ? [
            `${schema}: the job writes ${missing.slice(0, 3).join('; ') || 'nothing more'}; the seed has ${extra.slice(0, 3).join('; ') || 'nothing more'}`,
          ]
        : [];
    });
    if (problems.length)
      throw new Error(
        `the seeded care relationships differ from what refreshCareRelationships writes:\n  ${problems.join('\n  ')}`,
      );
    const rows = careSchemas.reduce((sum, schema) => sum + before[schema].length - 1, 0);
    if (rows === 0) throw new Error('the sampled subjects have no care relationships at all');
    return { subjects: subjectIds.length, rows, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await client.end().catch(() => undefined);
    await prisma.$disconnect().catch(() => undefined);
    await copy.drop();
  }
}
