// How the bench calls the system: as the seeded user through the gateway
// (a real signIn, a Bearer session token, certificates off), and straight to
// a subgraph with the internal token the gateway would have minted for that
// same session: the principal comes from identity's internal endpoint,
// exactly as the gateway's principal resolver gets it, and is re-signed for
// each run because a token lives 60 seconds.
import {
  internalTokenHeader,
  internalTokenSigner,
  type InternalKeyPair,
  type SignInternalToken,
} from '../lib/access/internal-token';
import type { Principal, UserPrincipal } from '../lib/access/principal';
import { resolvePrincipalPath } from '../subgraphs/identity/internal-routes';
import type { LoadTarget } from './load';
import type { SubgraphCall } from './query-plan';
import type { SystemHandle } from './system-handle';

export interface Callers {
  principal: UserPrincipal;
  sign: SignInternalToken;
  gateway(query: string, variables: Record<string, unknown>): LoadTarget;
  /** The same request through the gateway that asks identity on every request (no principal cache). */
  uncachedGateway(query: string, variables: Record<string, unknown>): LoadTarget;
  subgraph(service: string, operation: string, variables: Record<string, unknown>): LoadTarget;
  /** The identity call the gateway makes before every request (session and restriction). */
  resolvePrincipal(): LoadTarget;
  /** For query-plan execution: one timed call, failing on any GraphQL error. */
  call: SubgraphCall;
}

/** Signs in through the gateway's signIn mutation; returns the session token. */
export async function signIn(gatewayUrl: string, user: { accountId: string; password: string }): Promise<string> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }',
      variables: { a: user.accountId, p: user.password },
    }),
  });
  const body = (await response.json()) as {
    data?: { signIn?: { token: string } };
    errors?: Array<{ extensions?: { code?: string } }>;
  };
  const token = body.data?.signIn?.token;
  if (!token)
    throw new Error(`a seeded user could not sign in (${body.errors?.map((e) => e.extensions?.code).join(', ')})`);
  return token;
}

/** A GraphQL call through the gateway with a session token, failing on any error. */
export async function gatewayCall(
  gatewayUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, any>> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, any>;
    errors?: Array<{ extensions?: { code?: string } }>;
  };
  if (!body.data || body.errors)
    throw new Error(`the gateway answered errors: ${body.errors?.map((e) => e.extensions?.code).join(', ')}`);
  return body.data;
}

export async function signInCallers(
  system: SystemHandle,
  keys: InternalKeyPair,
  user: { accountId: string; password: string },
): Promise<Callers> {
  const token = await signIn(system.gatewayUrl, user);
  const sign = await internalTokenSigner(keys.privateKeyPem);
  const resolveBody = JSON.stringify({ token, certificate: null, address: '127.0.0.1' });
  const resolved = await fetch(`${system.subgraphUrls.identity}${resolvePrincipalPath}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [internalTokenHeader]: await sign({ kind: 'service', service: 'gateway' }),
    },
    body: resolveBody,
  });
  const { principal } = (await resolved.json()) as { principal: Principal };
  if (principal.kind !== 'user') throw new Error('the bench session did not resolve to a user');

  const graphqlUrl = (service: string) =>
    `${system.subgraphUrls[service as keyof SystemHandle['subgraphUrls']]}/graphql`;
  const internalHeaders = async () => ({ [internalTokenHeader]: await sign(principal) });
  const call: SubgraphCall = async (service, operation, variables) => {
    const headers = { 'content-type': 'application/json', ...(await internalHeaders()) };
    const t0 = performance.now();
    const res = await fetch(graphqlUrl(service), {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: operation, variables }),
    });
    const json = (await res.json()) as {
      data?: Record<string, unknown>;
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    const ms = performance.now() - t0;
    if (!json.data || json.errors)
      throw new Error(`${service} answered errors: ${json.errors?.map((e) => e.extensions?.code).join(', ')}`);
    return { data: json.data, ms };
  };
  return {
    principal,
    sign,
    gateway: (query, variables) => ({
      url: system.gatewayUrl,
      body: JSON.stringify({ query, variables }),
      headers: async () => ({ authorization: `Bearer ${token}` }),
    }),
    uncachedGateway: (query, variables) => ({
      url: system.uncachedGatewayUrl,
      body: JSON.stringify({ query, variables }),
      headers: async () => ({ authorization: `Bearer ${token}` }),
    }),
    subgraph: (service, operation, variables) => ({
      url: graphqlUrl(service),
      body: JSON.stringify({ query: operation, variables }),
      headers: internalHeaders,
    }),
    resolvePrincipal: () => ({
      url: `${system.subgraphUrls.identity}${resolvePrincipalPath}`,
      body: resolveBody,
      headers: async () => ({ [internalTokenHeader]: await sign({ kind: 'service', service: 'gateway' }) }),
      verify: (text) => text.startsWith('{"principal":{"kind":"user"'),
    }),
    call,
  };
}
