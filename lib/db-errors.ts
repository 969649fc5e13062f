// Recognizing database errors the services turn into user-facing codes.
// The node-postgres adapter reports a unique violation as Prisma's P2002;
// the PGlite adapter (embedded mode) passes PostgreSQL's SQLSTATE 23505
// through a DriverAdapterError. Both mean the same thing to a service.
import { Prisma } from '../generated/prisma/client';

interface AdapterCause {
  kind?: string;
  code?: string;
  originalCode?: string;
}

export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === 'P2002';
  const cause = (error as { cause?: AdapterCause } | null)?.cause;
  return cause?.code === '23505' || cause?.originalCode === '23505';
}
