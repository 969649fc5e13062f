// What an archive says about itself (manifest.json inside the encrypted
// payload): the format, the application and database versions it came from,
// the migrations applied, every table's row count, and each member's size,
// mode and SHA-256. Restore checks the members against it before writing
// anything and compares the restored tables with it afterwards.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BackupError } from './backup-error';

export const manifestFormat = 1;

const member = z.object({
  name: z.string().regex(/^(database\.dump|files\/(ca|keys|audit-checkpoints)\/[A-Za-z0-9._-]+)$/),
  size: z.number().int().min(0),
  mode: z.number().int().min(0).max(0o777),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  format: z.literal(manifestFormat),
  createdAt: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  database: z.object({
    serverVersion: z.string(),
    pgDumpVersion: z.string(),
    migrations: z.array(z.string()),
    /** "schema.table" → rows, in the dump's snapshot. */
    tables: z.record(z.number().int().min(0)),
  }),
  members: z.array(member),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestMember = Manifest['members'][number];

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export function describeMember(name: string, bytes: Buffer, mode: number): ManifestMember {
  return { name, size: bytes.length, mode: mode & 0o777, sha256: sha256(bytes) };
}

export function parseManifest(json: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new BackupError('DAMAGED_ARCHIVE', "the archive's manifest is not JSON");
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success)
    throw new BackupError(
      'DAMAGED_ARCHIVE',
      `the archive's manifest is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Tables whose restored row count differs from the manifest's ("rooms.Post: 12 in the archive, 11 restored"). */
export function countDifferences(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names.flatMap((name) =>
    expected[name] === actual[name]
      ? []
      : [`${name}: ${expected[name] ?? 'absent'} in the archive, ${actual[name] ?? 'absent'} restored`],
  );
}

/** Migrations in the archive that this code does not know: it is from a newer version and must not be restored by this one. */
export function unknownMigrations(archived: string[], known: string[]): string[] {
  const knownSet = new Set(known);
  return archived.filter((name) => !knownSet.has(name));
}
