// What a caller is told when identity refuses its session (principal-resolver):
// one stable reason code and one sentence per cause, so a client can tell
// "sign in again" from "sign in from this terminal" from "ask your manager".
// Only the holder of the session token learns these, about its own session.
// Each in both languages (lib/messages/message.ts).
// Identity's reasons (subgraphs/identity/services/session-service.ts: why a
// live session is refused now, or why an ended one ended) map onto fewer
// public ones; an unknown reason reads as an ended session.
import type { Message } from '../lib/messages/message';

export type SessionRefusalReason =
  | 'SESSION_ENDED'
  | 'SESSION_EXPIRED'
  | 'CERTIFICATE_MISMATCH'
  | 'CERTIFICATE_NOT_VALID'
  | 'ACCOUNT_NOT_ACTIVE'
  | 'FACILITY_STOPPED';

export interface SessionRefusal {
  reason: SessionRefusalReason;
  message: Message;
}

const refusals: Record<SessionRefusalReason, Message> = {
  SESSION_ENDED: {
    en: 'The session has ended. Sign in again.',
    ja: 'セッションは終了しています。もう一度サインインしてください。',
  },
  SESSION_EXPIRED: {
    en: 'The session has expired. Sign in again.',
    ja: 'セッションの有効期限が切れました。もう一度サインインしてください。',
  },
  CERTIFICATE_MISMATCH: {
    en: 'This session was signed in from another terminal (a different client certificate). Sign in again from this terminal.',
    ja: 'このセッションは別の端末（別の電子証明書）でサインインしたものです。この端末でもう一度サインインしてください。',
  },
  CERTIFICATE_NOT_VALID: {
    en: "This terminal's certificate can no longer be used with this account (revoked, expired or issued to another facility). Ask your facility manager.",
    ja: 'この端末の電子証明書はこのアカウントでは使えません（失効、期限切れ、または他の施設に発行されたもの）。システム管理責任者に相談してください。',
  },
  ACCOUNT_NOT_ACTIVE: {
    en: 'The account is not active (suspended, retired or disabled). Ask your facility manager.',
    ja: 'このアカウントは利用できません（利用停止、退職または無効化）。システム管理責任者に相談してください。',
  },
  FACILITY_STOPPED: {
    en: "The facility's use of the network is stopped. Ask your facility manager.",
    ja: 'この施設のネットワーク利用は停止されています。システム管理責任者に相談してください。',
  },
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
