import { randomUUID } from 'node:crypto';
import type { Role } from '../../../../lib/access/principal';
import type { Caller } from '../../domain/room-access';
import {
  decideAdministration,
  decideEnd,
  decideReview,
  effectiveEnd,
  grantInForce,
  isActive,
  maxEmergencyHours,
  statusAt,
  windowEnd,
  type EmergencyAccessFacts,
} from './emergency-access-rules';

const makeCaller = (role: Role): Caller => ({ role, userId: randomUUID(), facilityId: randomUUID() });
const t0 = new Date('2026-12-06T00:00:00Z');
const hours = (n: number) => new Date(t0.getTime() + n * 3_600_000);
const makeAccess = (over: Partial<EmergencyAccessFacts> = {}): EmergencyAccessFacts => ({
  declaredAt: t0,
  endsAt: hours(24),
  endedAt: null,
  reviewedAt: null,
  ...over,
});
const code = (verdict: ReturnType<typeof decideEnd>) => (verdict.allowed ? 'allowed' : verdict.code);
const roles: Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'];

describe('emergency access window', () => {
  it('ends the declared number of hours after the declaration, at most 72', () => {
    expect(windowEnd(t0, 1)).toEqual(hours(1));
    expect(windowEnd(t0, maxEmergencyHours)).toEqual(hours(72));
  });

  it('is in force from the declaration until its end, exclusive', () => {
    const access = makeAccess();
    expect(isActive(access, new Date(t0.getTime() - 1))).toBe(false);
    expect(isActive(access, t0)).toBe(true);
    expect(isActive(access, hours(23.99))).toBe(true);
    expect(isActive(access, hours(24))).toBe(false);
  });

  it('ends by itself, or earlier when ended early; a late "early end" does not extend it', () => {
    expect(statusAt(makeAccess(), hours(25))).toBe('REVIEW_DUE');
    const endedEarly = makeAccess({ endedAt: hours(2) });
    expect(effectiveEnd(endedEarly)).toEqual(hours(2));
    expect(isActive(endedEarly, hours(1))).toBe(true);
    expect(isActive(endedEarly, hours(3))).toBe(false);
    expect(effectiveEnd(makeAccess({ endedAt: hours(30) }))).toEqual(hours(24));
  });

  it('needs a review once ended, and is REVIEWED after it', () => {
    expect(statusAt(makeAccess(), hours(1))).toBe('ACTIVE');
    expect(statusAt(makeAccess({ endedAt: hours(1) }), hours(2))).toBe('REVIEW_DUE');
    expect(statusAt(makeAccess({ endedAt: hours(1), reviewedAt: hours(3) }), hours(4))).toBe('REVIEWED');
  });
});

describe('which access a grantee reads under', () => {
  const subjectId = randomUUID();
  const user = randomUUID();
  const make = (over: Partial<EmergencyAccessFacts> & { id?: string; subjectId?: string; granteeIds?: string[] }) => ({
    ...makeAccess(over),
    id: over.id ?? randomUUID(),
    subjectId: over.subjectId ?? subjectId,
    granteeIds: over.granteeIds ?? [user],
  });

  it('none without an access naming the user for that subject, in force now', () => {
    expect(grantInForce([], user, subjectId, hours(1))).toBeNull();
    expect(grantInForce([make({ granteeIds: [randomUUID()] })], user, subjectId, hours(1))).toBeNull();
    expect(grantInForce([make({ subjectId: randomUUID() })], user, subjectId, hours(1))).toBeNull();
    expect(grantInForce([make({})], user, subjectId, hours(25))).toBeNull();
    expect(grantInForce([make({ endedAt: hours(1) })], user, subjectId, hours(2))).toBeNull();
  });

  it('the one lasting longest when several are in force', () => {
    const short = make({ id: 'a', endsAt: hours(2) });
    const long = make({ id: 'b', endsAt: hours(48) });
    expect(grantInForce([short, long], user, subjectId, hours(1))).toBe('b');
    expect(grantInForce([long, short], user, subjectId, hours(1))).toBe('b');
  });
});

describe('who administers emergency accesses', () => {
  it.each(roles)('%s declares only if system admin', (role) => {
    expect(decideAdministration(makeCaller(role)).allowed).toBe(role === 'SYSTEM_ADMIN');
  });

  it('ends only an access in force, and only as system admin', () => {
    const admin = makeCaller('SYSTEM_ADMIN');
    expect(code(decideEnd(admin, makeAccess(), hours(1)))).toBe('allowed');
    expect(code(decideEnd(admin, makeAccess(), hours(25)))).toBe('ILLEGAL_TRANSITION');
    expect(code(decideEnd(admin, makeAccess({ endedAt: hours(1) }), hours(2)))).toBe('ILLEGAL_TRANSITION');
    expect(code(decideEnd(makeCaller('HOSPITAL_MANAGER'), makeAccess(), hours(1)))).toBe('FORBIDDEN');
  });

  it('reviews only after the end, once, and only as system admin', () => {
    const admin = makeCaller('SYSTEM_ADMIN');
    expect(code(decideReview(admin, makeAccess(), hours(1)))).toBe('ILLEGAL_TRANSITION');
    expect(code(decideReview(admin, makeAccess(), hours(25)))).toBe('allowed');
    expect(code(decideReview(admin, makeAccess({ endedAt: hours(1) }), hours(2)))).toBe('allowed');
    expect(code(decideReview(admin, makeAccess({ endedAt: hours(1), reviewedAt: hours(2) }), hours(3)))).toBe(
      'ILLEGAL_TRANSITION',
    );
    for (const role of roles.filter((r) => r !== 'SYSTEM_ADMIN'))
      expect(code(decideReview(makeCaller(role), makeAccess(), hours(25)))).toBe('FORBIDDEN');
  });
});
