// A partner's SMART App Launch 2.x Backend Services authorization server,
// played by the test (issue 17, the outbound side): the part of a partner's
// server that issues and checks access tokens, mounted into the mock partner
// (mock-partner.ts, option `smart`). It behaves as the spec says:
//   GET  <base>/.well-known/smart-configuration   token endpoint, private_key_jwt, ES384/RS384,
//                                                 client_credentials, v2 scopes
//   POST <base>/token   grant_type=client_credentials, client_assertion_type jwt-bearer,
//                       the assertion verified with the keys at the JWKS URL the
//                       partner registered for us (ours: <our FHIR base>/.well-known/jwks.json,
//                       fetched like any partner would), iss = sub = the client id it
//                       gave us, aud = this token endpoint, kid, exp at most 5 minutes
//                       ahead, a jti never seen before; answers an opaque bearer token
//                       living `expiresIn` seconds, or an OAuth error
// and accepts on its FHIR routes only tokens it issued, unexpired and not
// revoked. The test can shorten lifetimes, make every live token expire at
// once (a token that expires mid-exchange, as a partner that restarts or
// revokes would), or refuse token requests.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface SmartTokenServer {
  /** Every token request, in order, with what it was answered. */
  tokenRequests: Array<{ scope?: string; status: number; error?: string; jti?: string }>;
  /** Discovery reads. */
  discoveries: number;
  /** FHIR requests refused because of their token (401s answered). */
  refusedTokens: number;
  /** Accepted FHIR requests per token (the tokens in issuing order). */
  uses: Map<string, number>;
  settings: { expiresIn: number; refuse?: 'invalid_client' | 'invalid_scope' };
  /** Every live token expires now (the partner restarted, or its clock says so). */
  expireAll(): void;
  /** Serves the two SMART routes; false for any other request. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer, baseUrl: string): boolean;
  /** Whether this Authorization header carries a live token of ours (counts the use or the refusal). */
  accepts(header: string | undefined): boolean;
}

export interface SmartTokenServerOptions {
  /** The client id the partner registered us under. */
  clientId: string;
  /** Where our public keys are (the JWKS URL the partner registered for us). */
  ourJwksUrl: string;
  expiresIn?: number;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function smartTokenServer(options: SmartTokenServerOptions): SmartTokenServer {
  let ourKeys: JWTVerifyGetKey | undefined;
  const seenJti = new Set<string>();
  const live = new Map<string, number>();
  const server: SmartTokenServer = {
    tokenRequests: [],
    discoveries: 0,
    refusedTokens: 0,
    uses: new Map(),
    settings: { expiresIn: options.expiresIn ?? 300 },
    expireAll: () => live.clear(),
    handle(req, res, path, body, baseUrl) {
      if (req.method === 'GET' && path === '/.well-known/smart-configuration') {
        server.discoveries += 1;
        json(res, 200, {
          token_endpoint: `${baseUrl}/token`,
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
          token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
          grant_types_supported: ['client_credentials'],
          scopes_supported: ['system/Task.crus', 'system/CareTeam.r'],
          capabilities: ['client-confidential-asymmetric', 'permission-v2'],
        });
        return true;
      }
      if (req.method === 'POST' && path === '/token') {
        void issue(req, res, body, `${baseUrl}/token`);
        return true;
      }
      return false;
    },
    accepts(header) {
      const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
      const expires = token ? live.get(token) : undefined;
      if (!token || expires === undefined || expires <= Date.now()) {
        server.refusedTokens += 1;
        return false;
      }
      server.uses.set(token, (server.uses.get(token) ?? 0) + 1);
      return true;
    },
  };

  async function issue(req: IncomingMessage, res: ServerResponse, body: Buffer, tokenUrl: string) {
    const refuse = (status: number, error: string, jti?: string) => {
      server.tokenRequests.push({ status, error, jti });
      json(res, status, { error, error_description: error });
    };
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return refuse(400, 'invalid_request');
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') return refuse(400, 'unsupported_grant_type');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return refuse(400, 'invalid_request');
    const assertion = form.get('client_assertion') ?? '';
    let jti: string | undefined;
    try {
      const header = decodeProtectedHeader(assertion);
      if (!header.kid || !['ES384', 'RS384'].includes(String(header.alg))) return refuse(401, 'invalid_client');
      ourKeys ??= createRemoteJWKSet(new URL(options.ourJwksUrl));
      const { payload } = await jwtVerify(assertion, ourKeys, {
        issuer: options.clientId,
        subject: options.clientId,
        audience: tokenUrl,
        algorithms: ['ES384', 'RS384'],
        requiredClaims: ['exp', 'jti'],
      });
      jti = payload.jti;
      if (!jti || seenJti.has(jti)) return refuse(401, 'invalid_client', jti);
      if ((payload.exp as number) - Date.now() / 1000 > 300) return refuse(401, 'invalid_client', jti);
      seenJti.add(jti);
    } catch {
      return refuse(401, 'invalid_client', jti);
    }
    if (server.settings.refuse)
      return refuse(server.settings.refuse === 'invalid_client' ? 401 : 400, server.settings.refuse, jti);
    const scope = form.get('scope') ?? undefined;
    const token = randomBytes(24).toString('base64url');
    live.set(token, Date.now() + server.settings.expiresIn * 1000);
    server.uses.set(token, 0);
    server.tokenRequests.push({ scope, status: 200, jti });
    json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: server.settings.expiresIn, scope });
  }

  return server;
}
