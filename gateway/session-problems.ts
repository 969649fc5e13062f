// What a caller is told when identity refuses its session (principal-resolver):
// one stable reason code and one sentence per cause, so a client can tell
// "sign in again" from "sign in from this terminal" from "ask your manager".
// Only the holder of the session token learns these, about its own session.
// Identity's reasons (subgraphs/identity/services/session-service.ts: why a
// live session is refused now, or why an ended one ended) map onto fewer
// public ones; an unknown reason reads as an ended session.

export type SessionRefusalReason =
  | 'SESSION_ENDED'
  | 'SESSION_EXPIRED'
  | 'CERTIFICATE_MISMATCH'
  | 'CERTIFICATE_NOT_VALID'
  | 'ACCOUNT_NOT_ACTIVE'
  | 'FACILITY_STOPPED';

export interface SessionRefusal {
  reason: SessionRefusalReason;
  message: string;
}

const refusals: Record<SessionRefusalReason, string> = {
  SESSION_ENDED: 'the session has ended; sign in again',
  SESSION_EXPIRED: 'the session has expired; sign in again',
  CERTIFICATE_MISMATCH:
    'this session was signed in from another terminal (a different client certificate); sign in again from this terminal',
  CERTIFICATE_NOT_VALID:
    "this terminal's certificate can no longer be used with this account (revoked, expired or issued to another facility); ask your facility manager",
  ACCOUNT_NOT_ACTIVE: 'the account is not active (suspended, retired or disabled); ask your facility manager',
  FACILITY_STOPPED: "the facility's use of the network is stopped; ask your facility manager",
};

export function sessionRefusal(identityReason: string): SessionRefusal {
  const reason = publicReason(identityReason);
  return { reason, message: refusals[reason] };
}

const accountEnded = new Set(['account.suspend', 'account.delete', 'retired', 'disabled-inactive']);

function publicReason(identityReason: string): SessionRefusalReason {
  if (identityReason === 'idle-expired' || identityReason === 'absolute-expired') return 'SESSION_EXPIRED';
  if (identityReason === 'certificate-mismatch') return 'CERTIFICATE_MISMATCH';
  if (identityReason.endsWith('-certificate') || identityReason === 'certificate-revoked')
    return 'CERTIFICATE_NOT_VALID';
  if (identityReason.startsWith('account-') || accountEnded.has(identityReason)) return 'ACCOUNT_NOT_ACTIVE';
  if (identityReason === 'facility-stopped') return 'FACILITY_STOPPED';
  // Signed out, password changed or reset, role changed: signing in again is the answer.
  return 'SESSION_ENDED';
}
