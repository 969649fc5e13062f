// Our access tokens for partners we call with SMART App Launch 2.x Backend
// Services (outboundAuth SMART_BACKEND; issue 17, the requester side).
//
// - Discovery: the token endpoint comes from the partner's
//   <fhirBaseUrl>/.well-known/smart-configuration, read each time we need a
//   new token (so a moved endpoint is followed; at most one read per token).
// - The assertion: iss = sub = the client id the partner registered us under
//   (Partner.ourClientId), aud = that token endpoint, ES384 with our
//   assertion key (its kid; the public key is in our JWKS at
//   <our FHIR base>/.well-known/jwks.json, which the partner registers),
//   a fresh jti, 2 minutes.
// - The token is cached per partner in this process and reused by every call
//   until shortly before it expires (smart-client-rules.ts renewalMargin);
//   concurrent calls that need a new one share one token request (one in
//   flight per partner), so a burst of jobs costs the partner one request,
//   not one per call. A 401 from the partner drops the token
//   (partner-client.ts retries that call once with a new one).
// - Calls use the partner's TLS trust (its registered CA, else
//   PARTNER_CA_FILES, else the system's CAs), as every call to it does, and
//   time out like them.
// Tokens are never logged, stored or put in job payloads; each worker process
// holds its own (a second worker asks for its own token).
import { signClientAssertion, type ExchangeKey } from '../../lib/exchange/exchange-key';
import { classifyTransportError } from './partner-answer';
import { PartnerCallError } from './partner-error';
import { undiciAgent, type BearerTokens } from './partner-client';
import {
  parseSmartConfiguration,
  parseTokenAnswer,
  scopesToRequest,
  tokenRefusal,
  type IssuedToken,
} from './smart-client-rules';

export interface SmartTokenParams {
  partnerId: string;
  fhirBaseUrl: string;
  /** The client id the partner registered us under. */
  clientId: string;
  assertionKey: ExchangeKey;
  /** The partner's CAs (or PARTNER_CA_FILES); empty: the system's. */
  trustedCaPems: readonly string[];
  timeoutMs: number;
  /** The clock renewals are timed by (tests); default Date.now. */
  now?: () => number;
}

interface Cached extends IssuedToken {
  key: string;
}

const cache = new Map<string, Cached>();
const inFlight = new Map<string, { key: string; promise: Promise<Cached> }>();

/** Forgets every cached token (tests that restart a partner). */
export function clearSmartTokens(): void {
  cache.clear();
  inFlight.clear();
}

async function fetchJson(
  url: string,
  init: RequestInit,
  params: SmartTokenParams,
  operation: 'smart-discovery' | 'smart-token',
): Promise<{ status: number; body: unknown }> {
  const dispatcher =
    params.trustedCaPems.length > 0
      ? await undiciAgent(`smart:${params.partnerId}`, { ca: params.trustedCaPems })
      : undefined;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(params.timeoutMs),
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit);
    text = await response.text();
  } catch (error) {
    throw classifyTransportError(error).during(operation);
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

async function requestToken(params: SmartTokenParams, key: string): Promise<Cached> {
  const base = params.fhirBaseUrl.replace(/\/+$/, '');
  const discovery = await fetchJson(
    `${base}/.well-known/smart-configuration`,
    { headers: { accept: 'application/json' } },
    params,
    'smart-discovery',
  );
  if (discovery.status !== 200)
    throw new PartnerCallError(
      'SMART_DISCOVERY',
      `the partner's smart-configuration answered ${discovery.status}`,
      true,
      { status: discovery.status, operation: 'smart-discovery' },
    );
  let endpoint: ReturnType<typeof parseSmartConfiguration>;
  try {
    endpoint = parseSmartConfiguration(discovery.body);
  } catch (error) {
    throw error instanceof PartnerCallError ? error.during('smart-discovery') : error;
  }
  const now = params.now ?? Date.now;
  // The assertion carries the real time (the partner checks it against its own clock); `now` only times renewals.
  const assertion = await signClientAssertion(params.assertionKey, {
    clientId: params.clientId,
    tokenUrl: endpoint.tokenEndpoint,
  });
  const answer = await fetchJson(
    endpoint.tokenEndpoint,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: scopesToRequest(endpoint.scopeSyntax, endpoint.subscriptionScopes),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    },
    params,
    'smart-token',
  );
  try {
    if (answer.status !== 200) throw tokenRefusal(answer.status, answer.body);
    return { key, ...parseTokenAnswer(answer.body, now()) };
  } catch (error) {
    throw error instanceof PartnerCallError ? error.during('smart-token') : error;
  }
}

/** The access tokens for one partner, as partner-client.ts uses them (see the header). */
export function smartTokens(params: SmartTokenParams): BearerTokens {
  // A change in the registration (endpoint, client id) or our key makes the cached token useless.
  const key = [params.fhirBaseUrl, params.clientId, params.assertionKey.keyId].join('|');
  const now = params.now ?? Date.now;
  return {
    async token() {
      const cached = cache.get(params.partnerId);
      if (cached && cached.key === key && now() < cached.renewAt) return cached.accessToken;
      let pending = inFlight.get(params.partnerId);
      if (!pending || pending.key !== key) {
        const promise = requestToken(params, key)
          .then((issued) => {
            cache.set(params.partnerId, issued);
            return issued;
          })
          .finally(() => {
            if (inFlight.get(params.partnerId)?.promise === promise) inFlight.delete(params.partnerId);
          });
        pending = { key, promise };
        inFlight.set(params.partnerId, pending);
      }
      return (await pending.promise).accessToken;
    },
    invalidate(token) {
      // Only the token that was refused: a newer one another call already got stays.
      if (cache.get(params.partnerId)?.accessToken === token) cache.delete(params.partnerId);
    },
  };
}
