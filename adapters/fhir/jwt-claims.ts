// The rules every partner JWT we accept shares (contract v1 direct JWTs and
// SMART client assertions): exp at most 5 minutes ahead (plus the clock
// tolerance) and a usable jti. Pure, so it is unit-tested
// (partner-auth.test.ts).

export const maxJwtLifetimeSeconds = 300;
/** Clocks differ a little between installations. */
export const clockToleranceSeconds = 30;

export type ClaimFailure = 'EXPIRED' | 'LIFETIME_TOO_LONG' | 'NO_JTI';

/** Applied to a JWT whose signature, issuer, subject, audience and expiry jose has already checked. */
export function claimProblem(payload: { exp?: unknown; jti?: unknown }, nowSeconds: number): ClaimFailure | null {
  if (typeof payload.exp !== 'number') return 'EXPIRED';
  if (payload.exp - nowSeconds > maxJwtLifetimeSeconds + clockToleranceSeconds) return 'LIFETIME_TOO_LONG';
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) return 'NO_JTI';
  return null;
}
