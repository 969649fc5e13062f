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
// - (issue 17) `Authorization: Bearer <access token>` from our SMART Backend
//   Services token endpoint (smart-token-service.ts), for a partner
//   registered with inboundAuth SMART_BACKEND; such a partner's direct JWTs
//   are refused, and a contract partner cannot use access tokens (it cannot
//   get one: the token endpoint refuses it).
// Anything else is UNAUTHENTICATED (401). The partner is read fresh on every
// request, so a suspension takes effect at once. What the caller may do comes
// with it: an access token's scopes, or for contract v1 (JWT, mutual TLS)
// everything the contract has; each route checks its own (router.ts).
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { PrismaClient } from '../../lib/database';
import {
  contractJwtAlgorithms,
  findPartnerByCertificate,
  findPartnerForExchange,
  type ExchangePartner,
} from '../../subgraphs/identity';
import { claimProblem, clockToleranceSeconds } from './jwt-claims';
import { FhirError } from './operation-outcome';
import type { PartnerKeys } from './partner-keys';
import { rememberJwtId } from './used-jwt-ids';
import { allPermissions, type SmartPermissions } from './smart-scopes';
import { accessTokenGrant } from './smart-token-service';

export { claimProblem, clockToleranceSeconds, maxJwtLifetimeSeconds } from './jwt-claims';

export interface PartnerAuthDeps {
  db: Pick<PrismaClient, 'partner' | '$executeRaw' | 'smartAccessToken'>;
  /** Our FHIR base URL: the audience a partner's JWT must name. */
  fhirBaseUrl: () => string;
  /** Each partner's keys: inline or at its JWKS URL. */
  keys: PartnerKeys;
  now: () => Date;
}

/** Who is calling and what it may do. */
export interface AuthenticatedPartner {
  partner: ExchangePartner;
  permissions: SmartPermissions;
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
  | 'UNKNOWN_CERTIFICATE'
  | 'UNKNOWN_ACCESS_TOKEN'
  | 'WRONG_METHOD';

/** One message for every refusal: the caller learns nothing about which partner ids or keys exist. */
function refuse(reason: PartnerAuthFailure): never {
  throw Object.assign(
    new FhirError(
      'UNAUTHENTICATED',
      'authenticate as a registered partner: a valid access token, signed JWT or registered client certificate',
    ),
    { reason },
  );
}

export function refusalReason(error: unknown): PartnerAuthFailure | undefined {
  return (error as { reason?: PartnerAuthFailure }).reason;
}

/**
 * The token of an Authorization header: undefined without one, MALFORMED for
 * anything but `Bearer <compact JWS>` or `Bearer <access token>` (ours: 43
 * base64url characters, 256 bits).
 */
export function bearerTokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|[A-Za-z0-9_-]{43})\s*$/.exec(header);
  if (!match?.[1]) refuse('MALFORMED');
  return match[1];
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
  if (!partner || (partner.jwks.keys.length === 0 && !partner.jwksUrl)) refuse('UNKNOWN_PARTNER');
  // A SMART partner's keys sign client assertions for our token endpoint, never requests.
  if (partner.inboundAuth !== 'CONTRACT_JWT') refuse('WRONG_METHOD');
  const now = deps.now();
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, deps.keys.keysOf(partner), {
      issuer: partner.id,
      subject: partner.id,
      audience: deps.fhirBaseUrl(),
      algorithms: [...contractJwtAlgorithms],
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
  const used = {
    partnerId: partner.id,
    jti: payload.jti as string,
    expiresAt: new Date((payload.exp as number) * 1000),
  };
  if ((await rememberJwtId(deps.db, used, now)) === 'replayed') refuse('REPLAYED');
  return partner;
}

async function authenticateAccessToken(token: string, deps: PartnerAuthDeps): Promise<AuthenticatedPartner> {
  const grant = await accessTokenGrant(deps.db, token, deps.now());
  if (!grant) refuse('UNKNOWN_ACCESS_TOKEN');
  const partner = await findPartnerForExchange(deps.db, grant.partnerId);
  if (!partner) refuse('UNKNOWN_PARTNER');
  // Switched back to contract JWTs since the token was issued: its tokens stop at once.
  if (partner.inboundAuth !== 'SMART_BACKEND') refuse('WRONG_METHOD');
  return { partner, permissions: grant.permissions };
}

/** The calling partner and what it may do, or a FhirError UNAUTHENTICATED. */
export async function authenticatePartner(req: IncomingMessage, deps: PartnerAuthDeps): Promise<AuthenticatedPartner> {
  const token = bearerTokenOf(req.headers.authorization);
  if (token && !token.includes('.')) return authenticateAccessToken(token, deps);
  if (token) return { partner: await authenticateJwt(token, deps), permissions: allPermissions };
  const fingerprint = peerCertificateFingerprint(req);
  if (fingerprint) {
    const partner = await findPartnerByCertificate(deps.db, fingerprint);
    if (!partner) refuse('UNKNOWN_CERTIFICATE');
    // Deny by default: a SMART partner authenticates with access tokens only.
    if (partner.inboundAuth !== 'CONTRACT_JWT') refuse('WRONG_METHOD');
    return { partner, permissions: allPermissions };
  }
  refuse('NO_CREDENTIALS');
}
