import {
  careRelationships,
  hasCareRelationship,
  relationshipAllows,
  STEP_DAYS,
  type CareCaller,
  type SubjectCareFacts,
} from './care-relationship';

const day = 24 * 60 * 60 * 1000;
const t0 = new Date('2026-11-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * day);

const facts = (over: Partial<SubjectCareFacts> = {}): SubjectCareFacts => ({
  subjectId: 'subject',
  registration: null,
  rooms: [],
  applications: [],
  existenceChecks: [],
  consentSteps: [],
  ...over,
});

const makeCaller = (over: Partial<CareCaller> = {}): CareCaller => ({
  userId: 'u-1',
  facilityId: 'f-1',
  role: 'USER',
  ...over,
});

const allows = (caller: CareCaller, f: SubjectCareFacts, now: Date) =>
  hasCareRelationship(caller, careRelationships(f), now);

describe('care relationships (need to know)', () => {
  it('relates nobody to a subject with no facts', () => {
    expect(careRelationships(facts())).toEqual([]);
  });

  it('relates the registrant and its facility for STEP_DAYS, not another facility', () => {
    const f = facts({ registration: { userId: 'u-1', facilityId: 'f-1', at: t0 } });
    expect(allows(makeCaller(), f, at(1))).toBe(true);
    expect(allows(makeCaller({ userId: 'u-2' }), f, at(1))).toBe(true);
    expect(allows(makeCaller({ userId: 'u-2', role: 'FACILITY_MANAGER' }), f, at(1))).toBe(true);
    expect(allows(makeCaller({ userId: 'u-3', facilityId: 'f-2' }), f, at(1))).toBe(false);
    expect(allows(makeCaller(), f, at(STEP_DAYS + 1))).toBe(false);
  });

  it('does not extend a facility step to a decider of that facility (deciders see only what is routed to them)', () => {
    const f = facts({ registration: { userId: 'u-1', facilityId: 'f-1', at: t0 } });
    expect(allows(makeCaller({ userId: 'u-9', role: 'HOSPITAL_MANAGER' }), f, at(1))).toBe(false);
    // ... but a decider who took the step itself is related to it.
    const own = facts({ registration: { userId: 'u-9', facilityId: 'f-1', at: t0 } });
    expect(allows(makeCaller({ userId: 'u-9', role: 'SYSTEM_ADMIN' }), own, at(1))).toBe(true);
  });

  it('ends steps when a room opens: while it exists, membership decides', () => {
    const f = facts({
      registration: { userId: 'u-1', facilityId: 'f-1', at: t0 },
      consentSteps: [{ userId: 'u-2', facilityId: 'f-1', at: at(1) }],
      rooms: [
        {
          status: 'OPEN',
          openedAt: at(2),
          openedBy: 'admin',
          closedAt: null,
          members: [{ userId: 'u-5', addedAt: at(2) }],
        },
      ],
    });
    expect(allows(makeCaller(), f, at(3))).toBe(false);
    expect(allows(makeCaller({ userId: 'u-5', facilityId: 'f-7' }), f, at(3))).toBe(true);
    // A member's step while the room exists (say a withdrawal) does not open the subject to its facility.
    const member = { ...f, consentSteps: [{ userId: 'u-5', facilityId: 'f-7', at: at(4) }] };
    expect(allows(makeCaller({ userId: 'u-6', facilityId: 'f-7' }), member, at(5))).toBe(false);
  });

  it('counts steps taken after the last room closed, not those before', () => {
    const closed = facts({
      consentSteps: [{ userId: 'u-2', facilityId: 'f-1', at: at(1) }],
      rooms: [{ status: 'CLOSED', openedAt: at(2), openedBy: 'admin', closedAt: at(5), members: [] }],
    });
    expect(allows(makeCaller({ userId: 'u-2' }), closed, at(6))).toBe(false);
    const later = { ...closed, consentSteps: [{ userId: 'u-2', facilityId: 'f-1', at: at(6) }] };
    expect(allows(makeCaller({ userId: 'u-3' }), later, at(7))).toBe(true);
  });

  it('keeps members of a closed room related (they may still read it), not its opener', () => {
    const f = facts({
      rooms: [
        { status: 'CLOSED', openedAt: t0, openedBy: 'mgr', closedAt: at(1), members: [{ userId: 'u-1', addedAt: t0 }] },
      ],
    });
    expect(allows(makeCaller(), f, at(400))).toBe(true);
    expect(allows(makeCaller({ userId: 'mgr', role: 'ADMIN_MANAGER' }), f, at(1))).toBe(false);
  });

  it("relates a room's opener only while it still holds room.decide", () => {
    const f = facts({ rooms: [{ status: 'SUSPENDED', openedAt: t0, openedBy: 'mgr', closedAt: null, members: [] }] });
    expect(allows(makeCaller({ userId: 'mgr', role: 'HOSPITAL_MANAGER' }), f, at(1))).toBe(true);
    expect(allows(makeCaller({ userId: 'mgr', role: 'USER' }), f, at(1))).toBe(false);
  });

  it('relates the deciders only while a decision about the subject waits for them', () => {
    const forwarded = facts({
      applications: [
        { form: 8, status: 'FORWARDED', facilityId: 'f-1', submittedBy: 'u-1', submittedAt: t0, updatedAt: at(1) },
      ],
    });
    const decider = makeCaller({ userId: 'd', facilityId: 'f-9', role: 'ADMIN_MANAGER' });
    expect(allows(decider, forwarded, at(2))).toBe(true);
    expect(allows(makeCaller({ userId: 'fm', facilityId: 'f-9', role: 'FACILITY_MANAGER' }), forwarded, at(2))).toBe(
      false,
    );
    const rejected = facts({
      applications: [
        { form: 8, status: 'REJECTED', facilityId: 'f-1', submittedBy: 'u-1', submittedAt: t0, updatedAt: at(1) },
      ],
    });
    expect(allows(decider, rejected, at(2))).toBe(false);
    // A decided Form 8 relates no one (the facility's other steps, if any, still count).
    expect(allows(makeCaller(), rejected, at(2))).toBe(false);
  });

  it('keeps a pending Form 8 step until it is decided, however long it waits', () => {
    const pending = facts({
      applications: [
        { form: 8, status: 'SUBMITTED', facilityId: 'f-1', submittedBy: 'u-1', submittedAt: t0, updatedAt: t0 },
      ],
    });
    expect(allows(makeCaller({ userId: 'u-2' }), pending, at(STEP_DAYS * 3))).toBe(true);
  });

  it('relates an existence check asker once answered, and the deciders while it waits for them', () => {
    const check = (status: string, answeredAt: Date | null) =>
      facts({ existenceChecks: [{ requestedBy: 'u-1', facilityId: 'f-1', status, createdAt: t0, answeredAt }] });
    const decider = makeCaller({ userId: 'd', role: 'SYSTEM_ADMIN' });
    expect(allows(makeCaller(), check('AT_FACILITY_MANAGER', null), at(1))).toBe(false);
    expect(allows(decider, check('AT_FACILITY_MANAGER', null), at(1))).toBe(false);
    expect(allows(decider, check('AT_SYSTEM_ADMIN', null), at(1))).toBe(true);
    expect(allows(makeCaller(), check('ANSWERED', at(1)), at(2))).toBe(true);
    expect(allows(decider, check('ANSWERED', at(1)), at(2))).toBe(false);
  });

  it('treats an expiry as exclusive and an open-ended relationship as lasting', () => {
    const caller = makeCaller();
    expect(
      relationshipAllows(caller, { holderKind: 'USER', holderId: 'u-1', basis: 'CONSENT', until: at(1) }, at(1)),
    ).toBe(false);
    expect(
      relationshipAllows(caller, { holderKind: 'USER', holderId: 'u-1', basis: 'MEMBER', until: null }, at(10_000)),
    ).toBe(true);
  });

  describe('a break-glass emergency access (EMERGENCY)', () => {
    const access = (over: Partial<NonNullable<SubjectCareFacts['emergencyAccesses']>[number]> = {}) =>
      facts({
        emergencyAccesses: [{ granteeIds: ['u-1'], declaredAt: t0, endsAt: at(1), endedAt: null, ...over }],
      });
    const grantee = makeCaller();

    it('relates each person named, for reading only, until the window closes', () => {
      const f = access();
      const relationships = careRelationships(f);
      expect(relationships).toEqual([
        { subjectId: 'subject', holderKind: 'USER', holderId: 'u-1', basis: 'EMERGENCY', since: t0, until: at(1) },
      ]);
      expect(hasCareRelationship(grantee, relationships, at(0.5), 'read')).toBe(true);
      // Never to act for the subject (apply, ask a partner, record consent, find it by search).
      expect(hasCareRelationship(grantee, relationships, at(0.5))).toBe(false);
      expect(hasCareRelationship(grantee, relationships, at(0.5), 'act')).toBe(false);
      // Not the grantee's facility, nor anyone else.
      expect(hasCareRelationship(makeCaller({ userId: 'u-2' }), relationships, at(0.5), 'read')).toBe(false);
      // Over by itself when the window closes: no job has to run.
      expect(hasCareRelationship(grantee, relationships, at(1), 'read')).toBe(false);
    });

    it('ends when the access is ended early', () => {
      const relationships = careRelationships(access({ endedAt: at(0.25) }));
      expect(relationships[0]?.until).toEqual(at(0.25));
      expect(hasCareRelationship(grantee, relationships, at(0.3), 'read')).toBe(false);
    });

    it('adds nothing to the other bases when several people are named', () => {
      const relationships = careRelationships(access({ granteeIds: ['u-1', 'u-2'] }));
      expect(relationships.map((r) => [r.holderId, r.basis])).toEqual([
        ['u-1', 'EMERGENCY'],
        ['u-2', 'EMERGENCY'],
      ]);
    });
  });
});
