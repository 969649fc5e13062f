import {
  defaultSessionRules,
  hashSessionToken,
  newSessionToken,
  sessionExpiresAt,
  sessionState,
  type SessionTimes,
} from './session-rules';

const createdAt = new Date('2026-11-25T08:00:00Z');
const later = (ms: number, from: Date = createdAt) => new Date(from.getTime() + ms);
const minute = 60_000;
const hour = 60 * minute;

function makeSession(overrides: Partial<SessionTimes> = {}): SessionTimes {
  return { createdAt, lastSeenAt: createdAt, endedAt: null, ...overrides };
}

describe('sessionState', () => {
  it('is active at 29:59 idle and idle-expired at 30:00', () => {
    expect(sessionState(makeSession(), later(29 * minute + 59_000), defaultSessionRules)).toBe('active');
    expect(sessionState(makeSession(), later(30 * minute - 1), defaultSessionRules)).toBe('active');
    expect(sessionState(makeSession(), later(30 * minute), defaultSessionRules)).toBe('idle-expired');
  });

  it('measures idleness from the last request', () => {
    const session = makeSession({ lastSeenAt: later(2 * hour) });
    expect(sessionState(session, later(2 * hour + 29 * minute), defaultSessionRules)).toBe('active');
    expect(sessionState(session, later(2 * hour + 30 * minute), defaultSessionRules)).toBe('idle-expired');
  });

  it('expires absolutely at 12 hours even when in use', () => {
    const busy = makeSession({ lastSeenAt: later(12 * hour - minute) });
    expect(sessionState(busy, later(12 * hour - 1), defaultSessionRules)).toBe('active');
    expect(sessionState(busy, later(12 * hour), defaultSessionRules)).toBe('absolute-expired');
  });

  it('reports the absolute limit when both are reached', () => {
    expect(sessionState(makeSession(), later(13 * hour), defaultSessionRules)).toBe('absolute-expired');
  });

  it('is ended once signed out, whatever the times', () => {
    const ended = makeSession({ endedAt: later(minute) });
    expect(sessionState(ended, later(2 * minute), defaultSessionRules)).toBe('ended');
    expect(sessionState(ended, later(24 * hour), defaultSessionRules)).toBe('ended');
  });

  it('follows configured rules', () => {
    const rules = { idleMinutes: 10, absoluteHours: 1 };
    expect(sessionState(makeSession(), later(10 * minute), rules)).toBe('idle-expired');
    const busy = makeSession({ lastSeenAt: later(59 * minute) });
    expect(sessionState(busy, later(hour), rules)).toBe('absolute-expired');
  });
});

describe('sessionExpiresAt', () => {
  it('is the earlier of the idle and absolute limits', () => {
    expect(sessionExpiresAt(makeSession(), defaultSessionRules)).toEqual(later(30 * minute));
    const late = makeSession({ lastSeenAt: later(11 * hour + 50 * minute) });
    expect(sessionExpiresAt(late, defaultSessionRules)).toEqual(later(12 * hour));
  });
});

describe('session tokens', () => {
  it('are 32 random bytes in base64url', () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newSessionToken()).not.toBe(token);
  });

  it('use the random source given', () => {
    expect(newSessionToken((size) => new Uint8Array(size).fill(0xff))).toBe('_'.repeat(42) + '8');
  });

  it('are stored as their SHA-256 in hex', () => {
    expect(hashSessionToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = newSessionToken();
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(token)).toBe(hashSessionToken(token));
    expect(hashSessionToken(token)).not.toContain(token);
  });
});
