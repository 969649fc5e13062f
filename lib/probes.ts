// Start-up probes: each resolves null when fine or one sentence saying what
// is wrong, so a process can report every problem at once.
import type { Database } from './database';

export async function probeDatabase(db: Database): Promise<string | null> {
  try {
    await db.ping();
    return null;
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).name;
    return `DATABASE_URL: PostgreSQL at ${db.location} is not reachable (${reason})`;
  }
}
