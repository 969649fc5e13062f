// The jti of every JWT a partner authenticates with (a contract v1 request
// token, a SMART client assertion) is kept in integration.used_jwt_id until
// the JWT expires, so a second use is refused even from two requests at once
// (the primary key lets one in). Expired ids are dropped in the same
// statement as the new one is kept: each request then costs the database one
// round trip for this, on the exchange's busiest path, and the table holds
// only ids still able to be replayed.
import type { PrismaClient } from '../../lib/database';
import { isUniqueViolation } from '../../lib/db-errors';
import { clockToleranceSeconds } from './jwt-claims';

export type UsedJwtIdDb = Pick<PrismaClient, '$executeRaw'>;

/** 'replayed' when this partner used this jti before (and its JWT has not expired since). */
export async function rememberJwtId(
  db: UsedJwtIdDb,
  used: { partnerId: string; jti: string; expiresAt: Date },
  now: Date,
): Promise<'new' | 'replayed'> {
  // A JWT within the clock tolerance of its exp is still accepted, so its id is kept that much longer.
  const expiredBefore = new Date(now.getTime() - clockToleranceSeconds * 1000);
  try {
    await db.$executeRaw`
      WITH expired AS (DELETE FROM integration.used_jwt_id WHERE expires_at < ${expiredBefore})
      INSERT INTO integration.used_jwt_id (partner_id, jti, expires_at)
      VALUES (${used.partnerId}::uuid, ${used.jti}, ${used.expiresAt})`;
    return 'new';
  } catch (error) {
    if (isUniqueViolation(error)) return 'replayed';
    throw error;
  }
}
