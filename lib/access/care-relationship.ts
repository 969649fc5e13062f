// Need to know (Art. 9-2, 18-20, appendix 4(3)): a role says what kind of
// action a person may take, a care relationship says for whom. Every
// subgraph that holds a subject's data (identity's record, consent, rooms)
// asks this module, with its own copy of the relationships (each schema's
// care_relationship view, written by the care-relationships-changed job).
//
// Pure: `careRelationships` turns the facts the three owners hold about one
// subject into who is related to it, and `relationshipAllows` says whether
// one relationship covers a caller now. The rules, written down in
// docs/access-rules.md:
//
// - MEMBER: a current member of any of the subject's rooms (closed rooms
//   too: they stay readable by their members). Held by the user.
// - MANAGER: the opener of the subject's room that is not closed, while the
//   opener still holds `room.decide`. Held by the user.
// - Steps towards a room (Art. 18-20): the subject's registration, an
//   answered existence check that matches the subject, a Form 6/7, a
//   withdrawal or a legal exception recorded. Held by the user who took the
//   step and by that user's facility (its users and facility manager), from
//   the step until STEP_DAYS later, and only while the subject has no room
//   that is not closed, for steps taken after its latest room closed: while
//   a room exists, membership decides (a member's step, say a withdrawal,
//   does not open the subject to the member's whole facility). A Form 8
//   waiting for a decision keeps its facility related until it is decided.
// - DECISION: while a Form 8-10 about the subject waits for a decider
//   (FORWARDED) or an existence check matching it waits at a manager or the
//   system admin, every role holding `room.decide` may see the subject to
//   decide. Nothing else makes a decider related.
// - EMERGENCY: a person named in a break-glass emergency access to the
//   subject (subgraphs/rooms/emergency), from its declaration until it ends
//   (by itself, or ended early). Held by the user, and for reading only: it
//   lets the grantee see whose room it is opening, never act for the subject
//   (apply, ask a partner, record consent), so `relationshipAllows` counts it
//   only when asked about a read.
import { can } from './permissions';
import type { Role, UserPrincipal } from './principal';

export const careBases = [
  'MEMBER',
  'MANAGER',
  'REGISTERED',
  'EXISTENCE_CHECK',
  'CONSENT',
  'ROOM_APPLICATION',
  'DECISION',
  'EMERGENCY',
] as const;
export type CareBasis = (typeof careBases)[number];
export type HolderKind = 'USER' | 'FACILITY' | 'DECIDERS';

/** How long a step towards a room keeps its taker related, when no room opens. */
export const STEP_DAYS = 90;
const dayMs = 24 * 60 * 60 * 1000;

export interface CareRelationship {
  subjectId: string;
  holderKind: HolderKind;
  /** The user or facility id; null for DECIDERS. */
  holderId: string | null;
  basis: CareBasis;
  since: Date;
  /** Null while the fact lasts (a membership, a pending decision). */
  until: Date | null;
}

/** A step towards a room: who took it (and their facility, when known) and when. */
export interface CareStep {
  userId: string;
  facilityId: string | null;
  at: Date;
}

export interface SubjectCareFacts {
  subjectId: string;
  /** Identity: who registered the subject (null for rows from before it was kept). */
  registration: CareStep | null;
  /** Rooms: every room of the subject, with its current members. */
  rooms: ReadonlyArray<{
    status: 'OPEN' | 'SUSPENDED' | 'CLOSED';
    openedAt: Date;
    openedBy: string | null;
    closedAt: Date | null;
    members: ReadonlyArray<{ userId: string; addedAt: Date }>;
  }>;
  /** Rooms: Forms 8-10 about the subject. */
  applications: ReadonlyArray<{
    form: number;
    status: string;
    facilityId: string;
    submittedBy: string;
    submittedAt: Date;
    updatedAt: Date;
  }>;
  /** Rooms: existence checks whose question matches the subject (kana folded, birth date). */
  existenceChecks: ReadonlyArray<{
    requestedBy: string;
    facilityId: string;
    status: string;
    createdAt: Date;
    answeredAt: Date | null;
  }>;
  /** Consent: Forms 6/7, withdrawals and legal exceptions, by who recorded them. */
  consentSteps: readonly CareStep[];
  /** Rooms: break-glass emergency accesses to the subject, with the people they name. */
  emergencyAccesses?: ReadonlyArray<{
    granteeIds: readonly string[];
    declaredAt: Date;
    endsAt: Date;
    endedAt: Date | null;
  }>;
}

const pendingApplication = new Set(['SUBMITTED', 'FORWARDED', 'APPROVED']);
const checkAtDeciders = new Set(['AT_MANAGER', 'AT_SYSTEM_ADMIN']);

export function careRelationships(facts: SubjectCareFacts): CareRelationship[] {
  const { subjectId } = facts;
  const out: CareRelationship[] = [];
  const roomInUse = facts.rooms.some((room) => room.status !== 'CLOSED');
  // A closed room's end (its closing, or its opening for a row without one): steps before it were taken for that room.
  const latestEnd = facts.rooms.reduce(
    (latest, room) => Math.max(latest, (room.closedAt ?? room.openedAt).getTime()),
    -Infinity,
  );
  const stepCounts = (at: Date) => !roomInUse && at.getTime() > latestEnd;

  const step = (basis: CareBasis, s: CareStep, until: Date | null = new Date(s.at.getTime() + STEP_DAYS * dayMs)) => {
    if (!stepCounts(s.at)) return;
    out.push({ subjectId, holderKind: 'USER', holderId: s.userId, basis, since: s.at, until });
    if (s.facilityId)
      out.push({ subjectId, holderKind: 'FACILITY', holderId: s.facilityId, basis, since: s.at, until });
  };

  for (const room of facts.rooms) {
    for (const member of room.members)
      out.push({
        subjectId,
        holderKind: 'USER',
        holderId: member.userId,
        basis: 'MEMBER',
        since: member.addedAt,
        until: null,
      });
    if (room.status !== 'CLOSED' && room.openedBy)
      out.push({
        subjectId,
        holderKind: 'USER',
        holderId: room.openedBy,
        basis: 'MANAGER',
        since: room.openedAt,
        until: null,
      });
  }
  if (facts.registration) step('REGISTERED', facts.registration);
  for (const consentStep of facts.consentSteps) step('CONSENT', consentStep);
  for (const check of facts.existenceChecks) {
    if (check.status === 'ANSWERED' && check.answeredAt)
      step('EXISTENCE_CHECK', { userId: check.requestedBy, facilityId: check.facilityId, at: check.answeredAt });
    if (checkAtDeciders.has(check.status))
      out.push({
        subjectId,
        holderKind: 'DECIDERS',
        holderId: null,
        basis: 'DECISION',
        since: check.createdAt,
        until: null,
      });
  }
  for (const application of facts.applications) {
    const pending = pendingApplication.has(application.status);
    // A Form 8 waiting for a decision is a step still being taken. Once decided it relates no one:
    // applied, the room it opened decides; refused or withdrawn, the facility's other steps still count.
    if (application.form === 8 && pending)
      step(
        'ROOM_APPLICATION',
        { userId: application.submittedBy, facilityId: application.facilityId, at: application.submittedAt },
        null,
      );
    if (application.status === 'FORWARDED')
      out.push({
        subjectId,
        holderKind: 'DECIDERS',
        holderId: null,
        basis: 'DECISION',
        since: application.updatedAt,
        until: null,
      });
  }
  for (const access of facts.emergencyAccesses ?? []) {
    // Ended early: it ends then; otherwise when its window closes (no job needs to run at the end).
    const until = access.endedAt && access.endedAt < access.endsAt ? access.endedAt : access.endsAt;
    for (const userId of access.granteeIds)
      out.push({
        subjectId,
        holderKind: 'USER',
        holderId: userId,
        basis: 'EMERGENCY',
        since: access.declaredAt,
        until,
      });
  }
  return out;
}

/** Roles that carry a facility's steps for a subject: its users, and its facility manager who confirms them. */
const facilityRoles: ReadonlySet<Role> = new Set(['USER', 'FACILITY_MANAGER']);

export type CareCaller = Pick<UserPrincipal, 'userId' | 'facilityId' | 'role'>;

/**
 * What the caller wants the relationship for: `act` (the default: apply, ask a partner, record, be
 * found by search) or `read` (the subject's own record, where the emergency basis counts too).
 */
export type CarePurpose = 'act' | 'read';

/** Whether this relationship covers the caller at `now`, for `purpose`. */
export function relationshipAllows(
  caller: CareCaller,
  relationship: Pick<CareRelationship, 'holderKind' | 'holderId' | 'basis' | 'until'>,
  now: Date,
  purpose: CarePurpose = 'act',
): boolean {
  if (relationship.until !== null && relationship.until.getTime() <= now.getTime()) return false;
  if (relationship.basis === 'EMERGENCY' && purpose !== 'read') return false;
  switch (relationship.holderKind) {
    case 'USER':
      if (relationship.holderId !== caller.userId) return false;
      // A room's manager acts as a decider: it loses the room's subject when it loses the role.
      return relationship.basis !== 'MANAGER' || can(caller, 'room.decide');
    case 'FACILITY':
      return relationship.holderId === caller.facilityId && facilityRoles.has(caller.role);
    case 'DECIDERS':
      return can(caller, 'room.decide');
    default:
      return false;
  }
}

export function hasCareRelationship(
  caller: CareCaller,
  relationships: ReadonlyArray<Pick<CareRelationship, 'holderKind' | 'holderId' | 'basis' | 'until'>>,
  now: Date,
  purpose: CarePurpose = 'act',
): boolean {
  return relationships.some((relationship) => relationshipAllows(caller, relationship, now, purpose));
}
