// The embedded database (PGlite under DATA_DIR) for npm start, in a module of
// its own so that all-in-one.ts can begin opening it before the rest of the
// system's modules load.
import { openEmbeddedPostgres, type Database } from '../lib/database';
import type { StopStack } from '../lib/stop-stack';

export type EmbeddedDatabase = Database & { migrationsApplied: string[] };

/** Opens it, applying pending migrations, and registers its stop. */
export async function openEmbedded(dataDir: string, stops: Pick<StopStack, 'push'>): Promise<EmbeddedDatabase> {
  const db = await openEmbeddedPostgres(dataDir);
  stops.push(db.close);
  return db;
}
