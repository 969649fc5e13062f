// The rules of our SMART Backend Services client (issue 17, the requester
// side), pure so each is unit-tested: what a partner's smart-configuration
// must say for us to use it, which scopes we ask for, what a token answer
// must hold and when a token is renewed.
import { PartnerCallError } from './partner-error';

export type ScopeSyntax = 'v1' | 'v2';

export interface SmartEndpoint {
  tokenEndpoint: string;
  scopeSyntax: ScopeSyntax;
  /** Its scopes_supported names Subscription scopes: we may ask for them (outbound push). */
  subscriptionScopes: boolean;
}

const listOf = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;

const discoveryError = (message: string) => new PartnerCallError('SMART_DISCOVERY', message, true);

/**
 * The partner's .well-known/smart-configuration, checked: an https token
 * endpoint, and, where the lists are given, private_key_jwt, ES384 (our
 * assertion key's algorithm) and client_credentials among them. A list left
 * out is not held against the partner (SMART requires only some of them).
 */
export function parseSmartConfiguration(body: unknown): SmartEndpoint {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw discoveryError("the partner's smart-configuration is not a JSON object");
  const c = body as Record<string, unknown>;
  let tokenEndpoint: URL;
  try {
    tokenEndpoint = new URL(String(c.token_endpoint));
  } catch {
    throw discoveryError("the partner's smart-configuration names no token_endpoint");
  }
  if (tokenEndpoint.protocol !== 'https:' || tokenEndpoint.username || tokenEndpoint.password)
    throw discoveryError("the partner's token_endpoint is not an https URL");
  const methods = listOf(c.token_endpoint_auth_methods_supported);
  if (methods && !methods.includes('private_key_jwt'))
    throw discoveryError("the partner's token endpoint does not take private_key_jwt client assertions");
  const algorithms = listOf(c.token_endpoint_auth_signing_alg_values_supported);
  if (algorithms && !algorithms.includes('ES384'))
    throw discoveryError("the partner's token endpoint does not take ES384 client assertions");
  const grants = listOf(c.grant_types_supported);
  if (grants && !grants.includes('client_credentials'))
    throw discoveryError("the partner's token endpoint does not offer client_credentials");
  // v1-only servers say so (permission-v1 without permission-v2) or list only v1 scopes; anything else gets v2.
  const capabilities = listOf(c.capabilities) ?? [];
  const scopes = listOf(c.scopes_supported) ?? [];
  const v1Only =
    (capabilities.includes('permission-v1') && !capabilities.includes('permission-v2')) ||
    (scopes.length > 0 && scopes.every((s) => /\.(read|write|\*)$/.test(s)));
  // Only a server that lists Subscription scopes is asked for them: a stricter one could refuse the whole request.
  const subscriptionScopes = scopes.some((s) => s.startsWith('system/Subscription.'));
  return { tokenEndpoint: tokenEndpoint.href, scopeSyntax: v1Only ? 'v1' : 'v2', subscriptionScopes };
}

/**
 * What we ask for: exactly what the exchange contract's requester does:
 * create, read, search and cancel (update) its Tasks, read CareTeams; and,
 * from a server that lists them, create, read and delete Subscriptions
 * (outbound push).
 */
export function scopesToRequest(syntax: ScopeSyntax, subscriptionScopes = false): string {
  const task =
    syntax === 'v2' ? 'system/Task.crus system/CareTeam.r' : 'system/Task.read system/Task.write system/CareTeam.read';
  if (!subscriptionScopes) return task;
  return `${task} ${syntax === 'v2' ? 'system/Subscription.crd' : 'system/Subscription.read system/Subscription.write'}`;
}

export interface IssuedToken {
  accessToken: string;
  /** When the partner says it expires (ms since the epoch). */
  expiresAt: number;
  /** When we stop using it and get a new one, before it expires (ms). */
  renewAt: number;
}

/** Lifetime assumed when a token answer gives no expires_in (SMART requires it): short, so we renew soon. */
export const assumedLifetimeSeconds = 60;

/**
 * When to renew: a fifth of the lifetime before expiry, at most a minute
 * before, so a call that starts with the token still carries a valid one
 * when it arrives (our calls time out after 10 s).
 */
export function renewalMargin(lifetimeSeconds: number): number {
  return Math.min(60, lifetimeSeconds / 5) * 1000;
}

/** The token endpoint's 200 answer, checked: a bearer access_token and its lifetime. */
export function parseTokenAnswer(body: unknown, nowMs: number): IssuedToken {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token.length === 0 || b.access_token.length > 8192)
    throw new PartnerCallError('TOKEN_ENDPOINT', "the partner's token answer holds no access_token", true);
  if (typeof b.token_type !== 'string' || b.token_type.toLowerCase() !== 'bearer')
    throw new PartnerCallError('TOKEN_ENDPOINT', "the partner's token is not a bearer token", true);
  const lifetime =
    typeof b.expires_in === 'number' && Number.isFinite(b.expires_in) && b.expires_in > 0
      ? Math.min(b.expires_in, 24 * 3600)
      : assumedLifetimeSeconds;
  const expiresAt = nowMs + lifetime * 1000;
  return { accessToken: b.access_token, expiresAt, renewAt: expiresAt - renewalMargin(lifetime) };
}

/** A non-200 token answer: an OAuth error is TOKEN_REFUSED naming it; anything else TOKEN_ENDPOINT. */
export function tokenRefusal(status: number, body: unknown): PartnerCallError {
  const error = (body as { error?: unknown } | null)?.error;
  if ((status === 400 || status === 401) && typeof error === 'string' && /^[a-z_]{1,40}$/.test(error))
    return new PartnerCallError(
      'TOKEN_REFUSED',
      `the partner's token endpoint refused our client assertion: ${error}`,
      true,
      { status },
    );
  return new PartnerCallError('TOKEN_ENDPOINT', `the partner's token endpoint answered ${status}`, true, { status });
}
