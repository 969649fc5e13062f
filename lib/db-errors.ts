// Recognizing database errors the services turn into user-facing codes.
// The node-postgres adapter reports a unique violation as Prisma's P2002
// (P2010 with the adapter's error in meta for a raw statement); the PGlite
// adapter (embedded mode) passes PostgreSQL's SQLSTATE 23505 through a
// DriverAdapterError. All mean the same thing to a service.
import { Prisma } from '../generated/prisma/client';

interface AdapterCause {
  kind?: string;
  code?: string;
  originalCode?: string;
}

export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') return true;
    // A raw statement's failure (P2010) carries the adapter's error, with PostgreSQL's own code, in meta.
    if (error.code !== 'P2010') return false;
    const adapterError = (error.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined)
      ?.driverAdapterError;
    return isUniqueCause(adapterError?.cause);
  }
  return isUniqueCause((error as { cause?: AdapterCause } | null)?.cause);
}

function isUniqueCause(cause: AdapterCause | undefined): boolean {
  return cause?.code === '23505' || cause?.originalCode === '23505' || cause?.kind === 'UniqueConstraintViolation';
}
