// Prisma CLI configuration: where the schema and the migrations are, and the
// database `prisma migrate diff` compares against when a developer writes a
// migration. Prisma 7's client needs no engine binary; its CLI still fetches
// the native schema engine before every command, which our build machines
// cannot download (scripts/generation.ts says how `generate` runs without it).
// Migrations are applied by our own runner (lib/migrations.ts), not the CLI.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/renkei' },
});
