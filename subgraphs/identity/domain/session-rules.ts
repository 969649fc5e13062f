// Sign-in sessions: how long they live and how their tokens are made.
//
// A session ends after idleMinutes without a request (an unattended
// terminal in a shared office) and, whatever the activity, absoluteHours
// after sign-in (a stolen token stops working within a working day).
//
// The token is 32 random bytes (256 bits, base64url). Only its SHA-256 is
// stored: a copy of the sessions table gives no token that could be
// presented. A plain hash without salt or stretching is enough because the
// token is uniformly random, not something a person chose, so there is
// nothing to guess. Randomness is the one impure input here, and it can be
// passed in.
import { createHash, randomBytes } from 'node:crypto';

export interface SessionRules {
  idleMinutes: number;
  absoluteHours: number;
}

export const defaultSessionRules: Readonly<SessionRules> = Object.freeze({ idleMinutes: 30, absoluteHours: 12 });

export interface SessionTimes {
  createdAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
}

export type SessionState = 'active' | 'idle-expired' | 'absolute-expired' | 'ended';

/** Ended (signed out) first, then the absolute limit, then the idle limit; each limit is reached at its exact instant. */
export function sessionState(session: SessionTimes, now: Date, rules: SessionRules): SessionState {
  if (session.endedAt !== null) return 'ended';
  const at = now.getTime();
  if (at >= absoluteEnd(session, rules)) return 'absolute-expired';
  if (at >= idleEnd(session, rules)) return 'idle-expired';
  return 'active';
}

/** When an active session will expire if no further request comes (for a cookie's or a client's timer). */
export function sessionExpiresAt(session: SessionTimes, rules: SessionRules): Date {
  return new Date(Math.min(absoluteEnd(session, rules), idleEnd(session, rules)));
}

export type RandomBytes = (size: number) => Uint8Array;

/** A new session token: 32 random bytes, base64url (43 characters). Give it to the client only; store its hash. */
export function newSessionToken(random: RandomBytes = randomBytes): string {
  return Buffer.from(random(32)).toString('base64url');
}

/** SHA-256 of the token, hex: the only form in which a session token is stored or looked up. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function absoluteEnd(session: SessionTimes, rules: SessionRules): number {
  return session.createdAt.getTime() + rules.absoluteHours * 3_600_000;
}

function idleEnd(session: SessionTimes, rules: SessionRules): number {
  return session.lastSeenAt.getTime() + rules.idleMinutes * 60_000;
}
