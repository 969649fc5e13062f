// Start-up probes: each resolves null when fine or one sentence saying what
// is wrong, so a process can report every problem at once.
import type { Database } from './database';

/** What the driver adapter says went wrong, under Prisma's generic "raw query failed" (P2010). */
interface AdapterCause {
  kind?: string;
  db?: string;
}

export async function probeDatabase(db: Database): Promise<string | null> {
  try {
    await db.ping();
    return null;
  } catch (error) {
    const cause = (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta?.driverAdapterError
      ?.cause;
    switch (cause?.kind) {
      case 'DatabaseDoesNotExist':
        return `DATABASE_URL: the database ${cause.db ? `"${cause.db}" ` : ''}does not exist at ${db.location}: create it (for example \`createdb ${cause.db ?? '<name>'}\`) or name another`;
      case 'DatabaseAccessDenied':
        return `DATABASE_URL: PostgreSQL at ${db.location} refused the user or password`;
      case 'DatabaseNotReachable':
        return `DATABASE_URL: PostgreSQL at ${db.location} is not reachable: is it running there?`;
      default: {
        const reason = cause?.kind ?? (error as { code?: string }).code ?? (error as Error).name;
        return `DATABASE_URL: PostgreSQL at ${db.location} is not reachable (${reason})`;
      }
    }
  }
}
