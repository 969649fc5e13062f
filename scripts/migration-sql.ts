// npm run migration:sql -- <short_name> [--from <previous schema file>]
//
// Writes prisma/migrations/<UTC timestamp>_<short_name>/migration.sql: the SQL
// that takes the previous schema (HEAD's prisma/schema.prisma unless --from
// names a file) to the one in the working tree.
//
// Why a pinned Prisma 6.19 CLI, fetched by npx: Prisma 7's `migrate diff` needs
// its native schema engine, which our build machines cannot download; Prisma
// 6.19 diffs on its WebAssembly engine through a driver adapter. 6.19 reads an
// older schema dialect (the datasource's `url`, `engineType = "client"`), so
// both schemas are rewritten into it in a temporary directory
// (`schemaForPrisma6`); the repository's own files are never touched, and the
// CLI is not a dependency (its `prisma` bin would shadow Prisma 7's).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMigrations } from '../lib/migrations';
import { repoPath, repoRoot } from '../lib/repo-paths';

export const prisma6Cli = 'prisma@6.19.3';
/** Only compared against by the diff's engine (it reads no data); must exist. */
const comparisonDatabase = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Our schema, in the dialect Prisma 6.19 reads: a datasource URL and the client engine. */
export function schemaForPrisma6(schema: string, url: string): string {
  const generator = /^generator client \{\n/m;
  const datasource = /^(datasource db \{\n(?:.*\n)*?\s*provider\s*=\s*"postgresql"\n)/m;
  if (!generator.test(schema) || !datasource.test(schema))
    throw new Error('the schema has no `generator client` or no postgresql `datasource db` block');
  return schema
    .replace(generator, (block) => `${block}  engineType = "client"\n`)
    .replace(datasource, (block) => `${block}  url = ${JSON.stringify(url)}\n`);
}

const stampOf = (date: Date) => date.toISOString().replace(/\D/g, '').slice(0, 14);

/**
 * The new folder's timestamp: now, or a minute after the last migration when that one is dated
 * later (the runner applies them in name order, so a new one must sort last).
 */
export function migrationStamp(now: Date, lastName: string | undefined): string {
  const last = lastName?.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/);
  if (!last) return stampOf(now);
  const [, y, mo, d, h, mi, se] = last.map(Number) as number[];
  const after = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, se) + 60_000);
  return stampOf(now > after ? now : after);
}

/** A migration folder's name part: lower-case words joined by underscores. */
export function migrationNameProblem(name: string | undefined): string | null {
  if (!name) return 'give the migration a short name: npm run migration:sql -- add_room_notes';
  return /^[a-z][a-z0-9_]{0,60}$/.test(name) ? null : `"${name}": use lower-case letters, digits and _`;
}

/** The command line: `<short_name> [--from <file>]`, in either order; a problem names what is wrong. */
export function parseMigrationArgs(argv: string[]): { name: string; fromFile?: string } | { problem: string } {
  const rest = [...argv];
  let fromFile: string | undefined;
  const fromIndex = rest.indexOf('--from');
  if (fromIndex >= 0) {
    fromFile = rest[fromIndex + 1];
    if (!fromFile || fromFile.startsWith('--')) return { problem: '--from needs the previous schema file after it' };
    rest.splice(fromIndex, 2);
  }
  const unknown = rest.filter((arg) => arg.startsWith('--'));
  if (unknown.length) return { problem: `unknown option ${unknown.join(', ')} (only --from <file>)` };
  if (rest.length > 1) return { problem: `one name only, not ${rest.join(' ')}` };
  const problem = migrationNameProblem(rest[0]);
  if (problem) return { problem };
  return { name: rest[0] as string, ...(fromFile && { fromFile }) };
}

function main(argv: string[]): number {
  const args = parseMigrationArgs(argv);
  if ('problem' in args) {
    process.stderr.write(`migration:sql: ${args.problem}\n`);
    return 1;
  }
  const { name, fromFile } = args;
  if (fromFile && !fs.existsSync(fromFile)) {
    process.stderr.write(`migration:sql: --from ${fromFile}: no such file\n`);
    return 1;
  }
  const previous = fromFile
    ? fs.readFileSync(fromFile, 'utf8')
    : spawnSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: repoRoot, encoding: 'utf8' }).stdout;
  if (!previous) {
    process.stderr.write('migration:sql: no previous schema (HEAD has none; name one with --from)\n');
    return 1;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-migration-'));
  try {
    fs.writeFileSync(path.join(work, 'previous.prisma'), schemaForPrisma6(previous, comparisonDatabase));
    const next = fs.readFileSync(repoPath('prisma', 'schema.prisma'), 'utf8');
    fs.writeFileSync(path.join(work, 'next.prisma'), schemaForPrisma6(next, comparisonDatabase));
    const adapter = require.resolve('@prisma/adapter-pg');
    fs.writeFileSync(
      path.join(work, 'prisma.config.js'),
      `const { PrismaPg } = require(${JSON.stringify(adapter)});
module.exports = {
  experimental: { adapter: true },
  engine: 'js',
  schema: 'next.prisma',
  adapter: async () => new PrismaPg({ connectionString: ${JSON.stringify(comparisonDatabase)} }),
};\n`,
    );
    const run = spawnSync(
      'npx',
      [
        '--yes',
        prisma6Cli,
        'migrate',
        'diff',
        '--from-schema-datamodel',
        'previous.prisma',
        '--to-schema-datamodel',
        'next.prisma',
        '--script',
      ],
      { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (run.status !== 0) {
      process.stderr.write(`migration:sql: prisma migrate diff failed (exit ${run.status ?? run.signal})\n`);
      return 1;
    }
    const sql = run.stdout.replace(/^Loaded Prisma config.*\n+/m, '');
    if (/^-- This is an empty migration\.\s*$/.test(sql)) {
      process.stdout.write('the schema has not changed since the previous one: no migration written\n');
      return 0;
    }
    const stamp = migrationStamp(new Date(), readMigrations().at(-1)?.name);
    const dir = repoPath('prisma', 'migrations', `${stamp}_${name}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    process.stdout.write(
      `wrote ${path.relative(repoRoot, dir)}/migration.sql: read it, and add by hand what Prisma cannot express\n`,
    );
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
