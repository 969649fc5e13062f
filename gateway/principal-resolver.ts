// On every request the gateway learns who is calling: the client
// certificate it verified (TLS, or a trusted proxy's header), and the
// session behind the bearer token, resolved by the identity subgraph (which
// owns sessions, certificates and restrictions). An accepted answer may be
// reused for at most a second, and only until identity changes anything
// (principal-cache.ts): a suspension or revocation takes effect on the very
// next request at every gateway replica.
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../lib/access/principal';
import { type SignInternalToken, internalTokenHeader } from '../lib/access/internal-token';
import { clientCertificateOf, type ClientCertificateOptions } from './client-certificate';
import type { Restriction } from './restriction-rules';
import { sessionRefusal, type SessionRefusalReason } from './session-problems';
import type { PrincipalCache } from './principal-cache';
import { currentLanguage } from '../lib/messages/language';
import { render, type Message } from '../lib/messages/message';
import type { Metrics } from '../lib/metrics/metrics';
import { createSubgraphFetcher } from './subgraph-fetcher';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';

const signInUnavailable: Message = {
  en: 'The sign-in service is unavailable. Try again in a moment.',
  ja: 'サインインのサービスが利用できません。しばらくしてからやり直してください。',
};

export type CertificateMode = 'tls' | 'proxy' | 'off';

export interface PrincipalResolverOptions {
  mode: CertificateMode;
  certificates: ClientCertificateOptions | null;
  identityResolveUrl: string;
  sign: SignInternalToken;
  timeoutMs: number;
  /** Reuses accepted answers briefly; none: identity is asked on every request. */
  cache?: PrincipalCache<Resolution>;
  /** Counts resolutions by cache use and result (lib/metrics); none: nothing is counted. */
  metrics?: Metrics;
}

export type Resolution =
  | { ok: true; principal: Principal; restriction: Restriction | null }
  | { ok: false; status: 401 | 503; message: Message; reason?: SessionRefusalReason };

/** The session token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^bearer +([A-Za-z0-9_-]{16,200})$/i.exec(header.trim()) : null;
  return match?.[1] ?? null;
}

/** The result label of a resolution: ok, refused (401) or unavailable (identity did not answer: 503). */
export function resolutionResult(resolution: Resolution): 'ok' | 'refused' | 'unavailable' {
  if (resolution.ok) return 'ok';
  return resolution.status === 401 ? 'refused' : 'unavailable';
}

/** Resolves a request's principal; close() ends its connections to identity (the gateway's stop calls it). */
export type PrincipalResolver = ((req: IncomingMessage) => Promise<Resolution>) & { close(): Promise<void> };

export function createPrincipalResolver(options: PrincipalResolverOptions): PrincipalResolver {
  // Identity is called as the subgraphs are (undici's request(), not fetch: subgraph-fetcher.ts
  // says why), on a pool of the resolver's own, closed with it.
  const identity = createSubgraphFetcher(options.timeoutMs);
  const resolve = resolver(options, identity.fetcher);
  const counter = options.metrics?.sessionResolutions;
  return Object.assign(
    async (req: IncomingMessage): Promise<Resolution> => {
      const { resolution, cache } = await resolve(req);
      counter?.inc({ cache, result: resolutionResult(resolution) });
      return resolution;
    },
    { close: () => identity.close() },
  );
}

type CacheUse = 'hit' | 'miss' | 'none';

function resolver(options: PrincipalResolverOptions, fetcher: Fetcher) {
  return async (req: IncomingMessage): Promise<{ resolution: Resolution; cache: CacheUse }> => {
    const refused = (resolution: Resolution) => ({ resolution, cache: 'none' as const });
    let certificate: string | null = null;
    if (options.mode !== 'off' && options.certificates) {
      const result = clientCertificateOf(req, options.certificates);
      if (!result.ok) {
        return refused({
          ok: false,
          status: 401,
          message: {
            en: `A client certificate issued by this network is required (${result.reason}). Use a terminal with the network's certificate installed.`,
            ja: `このネットワークが発行した電子証明書が必要です（${result.reason}）。電子証明書をインストールした端末から利用してください。`,
          },
        });
      }
      certificate = result.fingerprint;
    }
    const token = bearerToken(req);
    if (req.headers.authorization && !token)
      return refused({
        ok: false,
        status: 401,
        message: {
          en: 'The Authorization header must be "Bearer <session token>". Send the token signIn returned.',
          ja: 'Authorization ヘッダーは "Bearer <セッショントークン>" にしてください。signIn が返したトークンを送ってください。',
        },
      });
    const address = req.socket.remoteAddress ?? null;
    let asked = false;
    const ask = () => {
      asked = true;
      return askIdentity(options, fetcher, token, certificate, address);
    };
    if (!options.cache) return { resolution: (await ask()).value, cache: 'miss' };
    const resolution = await options.cache.resolve(JSON.stringify([token, certificate, address]), ask);
    return { resolution, cache: asked ? 'miss' : 'hit' };
  };
}

interface IdentityAnswer {
  principal: Principal | null;
  sessionProblem: string | null;
  expiresAt: string | null;
  restriction: Restriction | null;
}

async function askIdentity(
  options: PrincipalResolverOptions,
  fetcher: Fetcher,
  token: string | null,
  certificate: string | null,
  address: string | null,
): Promise<{ accepted: boolean; value: Resolution; expiresAt: number | null }> {
  const refused = (value: Extract<Resolution, { ok: false }>) => ({ accepted: false, value, expiresAt: null });
  let response: FetcherResponse;
  try {
    response = await fetcher(options.identityResolveUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [internalTokenHeader]: await options.sign({ kind: 'service', service: 'gateway' }),
      },
      body: JSON.stringify({ token, certificate, address }),
    });
  } catch {
    return refused({ ok: false, status: 503, message: signInUnavailable });
  }
  if (!response.ok) return refused({ ok: false, status: 503, message: signInUnavailable });
  // Identity is our own service, but an answer it could not have meant (not JSON, cut short by a
  // proxy, neither a principal nor a session problem) is identity unavailable, not our failure.
  let body: IdentityAnswer;
  try {
    body = (await response.json()) as IdentityAnswer;
  } catch {
    return refused({ ok: false, status: 503, message: signInUnavailable });
  }
  if (typeof body !== 'object' || body === null) return refused({ ok: false, status: 503, message: signInUnavailable });
  if (body.sessionProblem) return refused({ ok: false, status: 401, ...sessionRefusal(body.sessionProblem) });
  if (typeof body.principal !== 'object' || body.principal === null)
    return refused({ ok: false, status: 503, message: signInUnavailable });
  return {
    accepted: true,
    value: { ok: true, principal: body.principal, restriction: body.restriction },
    expiresAt: body.expiresAt ? Date.parse(body.expiresAt) : null,
  };
}

/** A refused resolution as the one GraphQL error the caller gets (the /graphql route and the export route alike), in the request's language. */
export function resolutionError(resolution: Extract<Resolution, { ok: false }>) {
  return {
    message: render(resolution.message, currentLanguage()),
    extensions: {
      code: resolution.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR',
      ...(resolution.reason ? { reason: resolution.reason } : {}),
    },
  };
}
