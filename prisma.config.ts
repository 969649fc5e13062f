// Prisma CLI configuration. Prisma cannot download its native engines on our
// build machines, so the CLI (generate, migrate deploy, migrate diff) runs on
// the JavaScript engine through the node-postgres driver adapter.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// The schema's datasource names env("DATABASE_URL"); Prisma 6 refuses to read
// the schema (and falls back to downloading engines) when it is unset, even
// for `generate`, which never connects. The default is the local development
// database and is only used by CLI commands run without DATABASE_URL.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/renkei';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
