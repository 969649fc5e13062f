// Our SMART App Launch 2.x Backend Services token endpoint (issue 17, the
// server side): a partner registered with inboundAuth SMART_BACKEND posts
// grant_type=client_credentials with a client assertion (a JWT it signed
// RS384 or ES384 with a key it registered, inline or at its JWKS URL:
// partner-keys.ts) and gets an access token for the scopes it asked for.
//
// - The assertion: iss = sub = the partner id (its client_id), aud = our token
//   endpoint URL exactly, kid in the header, exp at most 5 minutes ahead (30 s
//   of clock tolerance, as for contract JWTs), a jti never used before: kept
//   in integration.used_jwt_id (PostgreSQL, so every replica sees it) until
//   it expires; the primary key refuses a second use even from two requests
//   at once. An assertion is consumed once it has verified, whatever is
//   refused after it (the scope).
// - The access token: 256 random bits, opaque, stored only as its SHA-256 with
//   the partner, the scopes and its expiry (integration.smart_access_token),
//   so any replica can check it and a dump holds none. It lives 5 minutes; no
//   refresh token (Backend Services has none: the client signs a new
//   assertion). The partner is read again on every FHIR request, so a
//   suspension stops its tokens at once.
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { PrismaClient } from '../../lib/database';
import { findPartnerForExchange, smartAssertionAlgorithms, type ExchangePartner } from '../../subgraphs/identity';
import { clientRefusal, type AssertionFailure, type OAuthRefusal } from './oauth-error';
import { claimProblem, clockToleranceSeconds } from './jwt-claims';
import type { PartnerKeys } from './partner-keys';
import { rememberJwtId } from './used-jwt-ids';
import { grantScopes, permissionsOf, type SmartPermissions } from './smart-scopes';

export const accessTokenLifetimeSeconds = 300;
export const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TokenDeps {
  db: Pick<PrismaClient, 'partner' | '$executeRaw' | 'smartAccessToken'>;
  /** Our token endpoint's URL: the aud every assertion must name. */
  tokenUrl: () => string;
  keys: PartnerKeys;
  now: () => Date;
}

export interface TokenRequest {
  assertion: string;
  clientId?: string;
  scope?: string;
}

const single = (value: unknown): string | undefined | null =>
  value === undefined ? undefined : typeof value === 'string' ? value : null;

/** The request's parameters, or the OAuth refusal for a malformed request (pure: parameters before any I/O). */
export function parseTokenRequest(form: unknown): { ok: true; request: TokenRequest } | ({ ok: false } & OAuthRefusal) {
  const f = (typeof form === 'object' && form !== null ? form : {}) as Record<string, unknown>;
  const fields = ['grant_type', 'client_assertion_type', 'client_assertion', 'client_id', 'scope'] as const;
  const values = Object.fromEntries(fields.map((k) => [k, single(f[k])])) as Record<
    (typeof fields)[number],
    string | undefined | null
  >;
  const repeated = fields.find((k) => values[k] === null);
  if (repeated)
    return { ok: false, error: 'invalid_request', description: `${repeated} must be given once`, reason: repeated };
  if (!values.grant_type)
    return { ok: false, error: 'invalid_request', description: 'grant_type is required', reason: 'grant_type' };
  if (values.grant_type !== 'client_credentials')
    return {
      ok: false,
      error: 'unsupported_grant_type',
      description: 'only grant_type=client_credentials (SMART Backend Services) is supported',
      reason: 'grant_type',
    };
  if (values.client_assertion_type !== clientAssertionType)
    return {
      ok: false,
      error: 'invalid_request',
      description: `client_assertion_type must be ${clientAssertionType}`,
      reason: 'client_assertion_type',
    };
  if (!values.client_assertion || values.client_assertion.length > 16_000)
    return {
      ok: false,
      error: 'invalid_request',
      description: 'client_assertion (a signed JWT) is required',
      reason: 'client_assertion',
    };
  return {
    ok: true,
    request: {
      assertion: values.client_assertion,
      clientId: values.client_id ?? undefined,
      scope: values.scope ?? undefined,
    },
  };
}

export type TokenOutcome =
  | {
      ok: true;
      partnerId: string;
      body: { access_token: string; token_type: 'bearer'; expires_in: number; scope: string };
    }
  | ({ ok: false; partnerId?: string } & OAuthRefusal);

class Refused extends Error {
  constructor(
    readonly reason: AssertionFailure,
    readonly partnerId?: string,
  ) {
    super(reason);
  }
}

/** The registered, active SMART partner the assertion authenticates, with the assertion's exp; else Refused. */
async function verifyAssertion(
  request: TokenRequest,
  deps: TokenDeps,
): Promise<{ partner: ExchangePartner; payload: JWTPayload }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(request.assertion);
    claims = decodeJwt(request.assertion);
  } catch {
    throw new Refused('MALFORMED');
  }
  if (typeof header.alg !== 'string' || !(smartAssertionAlgorithms as readonly string[]).includes(header.alg))
    throw new Refused('WRONG_ALGORITHM');
  if (typeof header.kid !== 'string' || header.kid.length === 0) throw new Refused('NO_KID');
  if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) throw new Refused('ISS_NOT_SUB');
  if (request.clientId !== undefined && request.clientId !== claims.iss) throw new Refused('CLIENT_ID_MISMATCH');
  const partner = await findPartnerForExchange(deps.db, claims.iss);
  if (!partner) throw new Refused('UNKNOWN_CLIENT');
  if (partner.inboundAuth !== 'SMART_BACKEND') throw new Refused('WRONG_METHOD', partner.id);
  const now = deps.now();
  try {
    const { payload } = await jwtVerify(request.assertion, deps.keys.keysOf(partner), {
      issuer: partner.id,
      subject: partner.id,
      audience: deps.tokenUrl(),
      algorithms: [...smartAssertionAlgorithms],
      requiredClaims: ['exp', 'jti'],
      currentDate: now,
      clockTolerance: clockToleranceSeconds,
    });
    const problem = claimProblem(payload, now.getTime() / 1000);
    if (problem) throw new Refused(problem, partner.id);
    return { partner, payload };
  } catch (error) {
    if (error instanceof Refused) throw error;
    const reason: AssertionFailure =
      error instanceof joseErrors.JWKSNoMatchingKey
        ? 'UNKNOWN_KID'
        : error instanceof joseErrors.JWTExpired
          ? 'EXPIRED'
          : error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud'
            ? 'WRONG_AUDIENCE'
            : error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'jti'
              ? 'NO_JTI'
              : error instanceof joseErrors.JWKSTimeout ||
                  error instanceof joseErrors.JWKSInvalid ||
                  (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC') ||
                  !(error instanceof joseErrors.JOSEError)
                ? 'KEYS_UNAVAILABLE'
                : 'BAD_SIGNATURE';
    throw new Refused(reason, partner.id);
  }
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** One token request, answered: an access token, or the OAuth refusal (see oauth-error.ts). */
export async function requestAccessToken(form: unknown, deps: TokenDeps): Promise<TokenOutcome> {
  const parsed = parseTokenRequest(form);
  if (!parsed.ok) return parsed;
  let verified: Awaited<ReturnType<typeof verifyAssertion>>;
  try {
    verified = await verifyAssertion(parsed.request, deps);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return { ok: false, partnerId: error.partnerId, ...clientRefusal(error.reason) };
  }
  const { partner, payload } = verified;
  const now = deps.now();
  const used = {
    partnerId: partner.id,
    jti: payload.jti as string,
    expiresAt: new Date((payload.exp as number) * 1000),
  };
  if ((await rememberJwtId(deps.db, used, now)) === 'replayed')
    return { ok: false, partnerId: partner.id, ...clientRefusal('REPLAYED') };
  const grant = grantScopes(parsed.request.scope);
  if (!grant.ok)
    return {
      ok: false,
      partnerId: partner.id,
      error: 'invalid_scope',
      description: `scope ${JSON.stringify(grant.scope.slice(0, 100))} is not granted here: ask for system/Task.c, system/Task.rs, system/Task.u or system/CareTeam.rs (v1 .read/.write accepted)`,
      reason: 'scope',
    };
  const token = randomBytes(32).toString('base64url');
  await deps.db.smartAccessToken.deleteMany({ where: { expiresAt: { lt: now } } });
  await deps.db.smartAccessToken.create({
    data: {
      tokenHash: hashOf(token),
      partnerId: partner.id,
      scopes: grant.scopes,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + accessTokenLifetimeSeconds * 1000),
    },
  });
  return {
    ok: true,
    partnerId: partner.id,
    body: {
      access_token: token,
      token_type: 'bearer',
      expires_in: accessTokenLifetimeSeconds,
      scope: grant.scopes.join(' '),
    },
  };
}

/** An access token's partner id and permissions while it is valid; null for an unknown or expired one. */
export async function accessTokenGrant(
  db: Pick<PrismaClient, 'smartAccessToken'>,
  token: string,
  now: Date,
): Promise<{ partnerId: string; permissions: SmartPermissions } | null> {
  const row = await db.smartAccessToken.findUnique({ where: { tokenHash: hashOf(token) } });
  if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
  return { partnerId: row.partnerId, permissions: permissionsOf(row.scopes) };
}
