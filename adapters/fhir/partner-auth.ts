// Who is calling the FHIR endpoint (partner exchange contract v1): a
// registered, ACTIVE partner, by
// - `Authorization: Bearer <JWT>` signed by a key of the partner's registered
//   JWK set, iss = sub = the partner id, aud = our FHIR base URL, exp at most
//   5 minutes ahead, and a jti never used before (kept in
//   integration.used_jwt_id until it expires; the primary key refuses a
//   second use even from two requests at once); or
// - mutual TLS: the client certificate presented in the TLS handshake, whose
//   SHA-256 fingerprint the partner registered. Our HTTPS server asks every
//   client for a certificate but accepts any at the handshake
//   (lib/https-server.ts), so a partner's certificate from its own CA reaches
//   us; the TLS handshake proves the caller holds its key, and the pinned
//   fingerprint says whose it is. Behind a TLS-terminating proxy
//   (CLIENT_CERT_MODE=proxy) only JWTs are supported.
// Anything else is UNAUTHENTICATED (401). The partner is read fresh on every
// request, so a suspension takes effect at once.
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import type { PrismaClient } from '../../lib/database';
import { isUniqueViolation } from '../../lib/db-errors';
import { findPartnerByCertificate, findPartnerForExchange, type ExchangePartner } from '../../subgraphs/identity';
import { FhirError } from './operation-outcome';

export const maxJwtLifetimeSeconds = 300;
/** Clocks differ a little between installations. */
export const clockToleranceSeconds = 30;

export interface PartnerAuthDeps {
  db: Pick<PrismaClient, 'partner' | 'usedJwtId'>;
  /** Our FHIR base URL: the audience a partner's JWT must name. */
  fhirBaseUrl: () => string;
  now: () => Date;
}

export type PartnerAuthFailure =
  | 'NO_CREDENTIALS'
  | 'MALFORMED'
  | 'UNKNOWN_PARTNER'
  | 'BAD_SIGNATURE'
  | 'WRONG_AUDIENCE'
  | 'EXPIRED'
  | 'LIFETIME_TOO_LONG'
  | 'NO_JTI'
  | 'REPLAYED'
  | 'UNKNOWN_CERTIFICATE';

/** One message for every refusal: the caller learns nothing about which partner ids or keys exist. */
function refuse(reason: PartnerAuthFailure): never {
  throw Object.assign(
    new FhirError(
      'UNAUTHENTICATED',
      'authenticate as a registered partner: a valid signed JWT or a registered client certificate',
    ),
    { reason },
  );
}

export function refusalReason(error: unknown): PartnerAuthFailure | undefined {
  return (error as { reason?: PartnerAuthFailure }).reason;
}

/** The token of an Authorization header: undefined without one, MALFORMED for anything but `Bearer <compact JWS>`. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/.exec(header);
  if (!match?.[1]) refuse('MALFORMED');
  return match[1];
}

/**
 * The contract's rules on a JWT whose signature, issuer, subject, audience
 * and expiry jose has already checked: exp at most 5 minutes ahead (plus the
 * clock tolerance) and a usable jti. Pure, so it is unit-tested.
 */
export function claimProblem(payload: { exp?: unknown; jti?: unknown }, nowSeconds: number): PartnerAuthFailure | null {
  if (typeof payload.exp !== 'number') return 'EXPIRED';
  if (payload.exp - nowSeconds > maxJwtLifetimeSeconds + clockToleranceSeconds) return 'LIFETIME_TOO_LONG';
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) return 'NO_JTI';
  return null;
}

function peerCertificateFingerprint(req: IncomingMessage): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const certificate = socket.getPeerCertificate(false);
  if (!certificate || !certificate.raw) return undefined;
  return createHash('sha256').update(certificate.raw).digest('hex');
}

async function authenticateJwt(token: string, deps: PartnerAuthDeps): Promise<ExchangePartner> {
  let claimedIssuer: unknown;
  try {
    claimedIssuer = decodeJwt(token).iss;
  } catch {
    refuse('MALFORMED');
  }
  if (typeof claimedIssuer !== 'string') refuse('MALFORMED');
  const partner = await findPartnerForExchange(deps.db, claimedIssuer);
  if (!partner || partner.jwks.keys.length === 0) refuse('UNKNOWN_PARTNER');
  const now = deps.now();
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys: partner.jwks.keys as JWK[] }), {
      issuer: partner.id,
      subject: partner.id,
      audience: deps.fhirBaseUrl(),
      algorithms: ['EdDSA', 'ES256'],
      requiredClaims: ['exp', 'jti'],
      currentDate: now,
      clockTolerance: clockToleranceSeconds,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) refuse('EXPIRED');
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') refuse('WRONG_AUDIENCE');
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'jti') refuse('NO_JTI');
    refuse('BAD_SIGNATURE');
  }
  const problem = claimProblem(payload, now.getTime() / 1000);
  if (problem) refuse(problem);
  const exp = payload.exp as number;
  const jti = payload.jti as string;
  // Used ids are only needed until their token expires: drop the expired ones as we go.
  await deps.db.usedJwtId.deleteMany({
    where: { expiresAt: { lt: new Date(now.getTime() - clockToleranceSeconds * 1000) } },
  });
  try {
    await deps.db.usedJwtId.create({ data: { partnerId: partner.id, jti, expiresAt: new Date(exp * 1000) } });
  } catch (error) {
    if (isUniqueViolation(error)) refuse('REPLAYED');
    throw error;
  }
  return partner;
}

/** The calling partner, or a FhirError UNAUTHENTICATED. */
export async function authenticatePartner(req: IncomingMessage, deps: PartnerAuthDeps): Promise<ExchangePartner> {
  const token = bearerTokenOf(req.headers.authorization);
  if (token) return authenticateJwt(token, deps);
  const fingerprint = peerCertificateFingerprint(req);
  if (fingerprint) {
    const partner = await findPartnerByCertificate(deps.db, fingerprint);
    if (!partner) refuse('UNKNOWN_CERTIFICATE');
    return partner;
  }
  refuse('NO_CREDENTIALS');
}
