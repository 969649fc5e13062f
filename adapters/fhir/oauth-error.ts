// The token endpoint's one error vocabulary (RFC 6749 5.2, SMART App Launch
// 2.x Backend Services): every refusal is `{ error, error_description }` with
// the status OAuth gives it. Which refusal gets which error:
// - invalid_request (400): a parameter missing, repeated or not the one
//   Backend Services uses (client_assertion_type);
// - unsupported_grant_type (400): any grant but client_credentials;
// - invalid_client (401): the client assertion does not authenticate a
//   registered, active partner using SMART Backend Services (unknown client,
//   wrong algorithm or key, unknown kid, bad signature, wrong aud, expired,
//   too long-lived, no or reused jti). SMART says so for every
//   authentication failure, and RFC 7523 3.2 too: with client_credentials the
//   JWT authenticates the client, it is not a grant, which is why we never
//   answer invalid_grant. One description for all of them: the caller learns
//   nothing about which ids or keys exist; our log says which (the reason);
// - invalid_scope (400): a scope we grant nothing of (smart-scopes.ts),
//   named in the description (it is the caller's own text).
export type OAuthErrorCode = 'invalid_request' | 'unsupported_grant_type' | 'invalid_client' | 'invalid_scope';

export const oauthErrorStatus: Record<OAuthErrorCode, 400 | 401> = {
  invalid_request: 400,
  unsupported_grant_type: 400,
  invalid_client: 401,
  invalid_scope: 400,
};

/** Why a client assertion was refused: logged, never answered. */
export type AssertionFailure =
  | 'MALFORMED'
  | 'NO_KID'
  | 'WRONG_ALGORITHM'
  | 'ISS_NOT_SUB'
  | 'CLIENT_ID_MISMATCH'
  | 'UNKNOWN_CLIENT'
  | 'WRONG_METHOD'
  | 'UNKNOWN_KID'
  | 'KEYS_UNAVAILABLE'
  | 'BAD_SIGNATURE'
  | 'WRONG_AUDIENCE'
  | 'EXPIRED'
  | 'LIFETIME_TOO_LONG'
  | 'NO_JTI'
  | 'REPLAYED';

export const invalidClientDescription =
  'client authentication failed: sign a fresh client assertion (RS384 or ES384, kid of a registered key, iss = sub = your client id, aud = this token endpoint, exp at most 5 minutes ahead, a new jti)';

export interface OAuthRefusal {
  error: OAuthErrorCode;
  description: string;
  /** For our log: the assertion failure, or the parameter at fault. */
  reason: string;
}

export function oauthBody(refusal: Pick<OAuthRefusal, 'error' | 'description'>) {
  return { error: refusal.error, error_description: refusal.description };
}

export const clientRefusal = (reason: AssertionFailure): OAuthRefusal => ({
  error: 'invalid_client',
  description: invalidClientDescription,
  reason,
});
