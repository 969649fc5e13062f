#!/bin/sh
# Stands in for Prisma's native schema engine, which Prisma's CLI downloads before every
# command and our build machines cannot reach (binaries.prisma.sh). `prisma generate` never
# runs it, so naming this file as PRISMA_SCHEMA_ENGINE_BINARY lets generation work offline.
# Migrations are applied by lib/migrations.ts (npm run migrate), not by the CLI; a CLI command
# that does need the engine ends here, with this message.
echo "Prisma's schema engine is not installed here: apply migrations with npm run migrate (lib/migrations.ts); README \"Changing the database\" says how to write one." >&2
exit 1
