// A partner that authenticates to us with SMART App Launch 2.x Backend
// Services (issue 17), as the inbound tests see it: registered in our
// registry through the real graph (inboundAuth SMART_BACKEND) with an ES384
// key the test holds, inline or published at a JWKS URL its own HTTPS server
// serves (behind the partner's private CA, which it registers); it signs
// client assertions, each part overridable to make it wrong. How it then
// logs in is the test's business (a well-known client library's
// JWT-assertion login, or a raw form POST to show each refusal).
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import type { Actor } from './actors';
import { graphql } from './graphql-client';
import { syncDirectory } from './directory-fixtures';
import type { SimulatedPartner } from './simulated-partner';
import type { TestSystem } from './test-system';

export interface SmartPartner extends SimulatedPartner {
  kid: string;
}

export interface SmartKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export async function smartKey(alg: 'ES384' | 'RS384' = 'ES384', kid = `key-${randomUUID()}`): Promise<SmartKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const registerDocument = `mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { id inboundAuth jwksUrl } }`;

/** Registers a SMART Backend Services partner (as `admin`) whose key the test holds: inline, or at `jwksUrl`. */
export async function registerSmartPartner(
  t: TestSystem,
  admin: Actor,
  host: string,
  options: { key?: SmartKey; jwksUrl?: string; caCertificates?: string } = {},
): Promise<SmartPartner> {
  const key = options.key ?? (await smartKey());
  const requesterSystem = `https://${host}/requests`;
  const userSystem = `https://${host}/users`;
  const input = {
    name: `${host} (SMART)`,
    fhirBaseUrl: `https://${host}/fhir`,
    requesterSystem,
    userSystem,
    inboundAuth: 'SMART_BACKEND',
    ...(options.jwksUrl
      ? { jwksUrl: options.jwksUrl, caCertificates: options.caCertificates }
      : { jwks: JSON.stringify({ keys: [key.publicJwk] }) }),
  };
  const answer = await graphql(t.graphqlUrl, registerDocument, { input }, admin.headers);
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  const id = (answer.data as { registerPartner: { id: string } }).registerPartner.id;
  await syncDirectory(t, { partnerId: id });
  return { id, privateKey: key.privateKey, kid: key.kid, requesterSystem, userSystem };
}

export interface AssertionOptions {
  aud?: string;
  iss?: string;
  sub?: string;
  kid?: string | null;
  alg?: 'ES384' | 'RS384' | 'EdDSA' | 'ES256';
  key?: KeyLike;
  jti?: string;
  /** Seconds from `now` (default 120). */
  expIn?: number;
  now?: Date;
}

/** A client assertion from `partner` for our token endpoint `tokenUrl`. */
export function clientAssertion(
  partner: Pick<SmartPartner, 'id' | 'kid' | 'privateKey'>,
  tokenUrl: string,
  o: AssertionOptions = {},
): Promise<string> {
  const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const kid = o.kid === undefined ? partner.kid : o.kid;
  return new SignJWT({})
    .setProtectedHeader({ alg: o.alg ?? 'ES384', typ: 'JWT', ...(kid === null ? {} : { kid }) })
    .setIssuer(o.iss ?? partner.id)
    .setSubject(o.sub ?? o.iss ?? partner.id)
    .setAudience(o.aud ?? tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expIn ?? 120))
    .setJti(o.jti ?? randomUUID())
    .sign(o.key ?? partner.privateKey);
}

export interface TokenAnswer {
  status: number;
  cacheControl: string | null;
  contentType: string | null;
  json: any;
}

/** A raw token request (form-encoded), as any client would send it. */
export async function requestToken(tokenUrl: string, form: Record<string, string>): Promise<TokenAnswer> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    contentType: response.headers.get('content-type'),
    json: text ? JSON.parse(text) : undefined,
  };
}

export const assertionForm = (assertion: string, scope?: string): Record<string, string> => ({
  grant_type: 'client_credentials',
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: assertion,
  ...(scope === undefined ? {} : { scope }),
});

/** The partner's own HTTPS server publishing its JWK set (what it registers as jwksUrl); counts fetches. */
export interface JwksServer {
  url: string;
  keys: JWK[];
  fetches: number;
  stop(): Promise<void>;
}

export async function startJwksServer(
  tls: { certificatePem: string; keyPem: string },
  keys: JWK[],
): Promise<JwksServer> {
  const state = { keys, fetches: 0 };
  const server = https.createServer({ cert: tls.certificatePem, key: tls.keyPem }, (req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      state.fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: state.keys }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `https://127.0.0.1:${port}/.well-known/jwks.json`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
