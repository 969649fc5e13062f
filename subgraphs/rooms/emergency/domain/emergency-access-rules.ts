// Break-glass (MHLW safety guideline 6.0; Art. 19-2/3 of the regulations):
// the rules of an emergency access, pure. The system admin alone declares
// one, for one subject, with a coded reason and a window of 1 to 72 hours;
// while it is in force its grantees read the subject's rooms. It ends by
// itself when the window closes (nothing has to run: `endsAt` decides at
// read time), or earlier when the system admin ends it. Once ended it must
// be reviewed by a system admin (who, when, what was found); a review is
// recorded once and never before the end.
import { can } from '../../../../lib/access/permissions';
import type { Message } from '../../../../lib/messages/message';
import type { Caller, Verdict } from '../../domain/room-access';

/** The coded reasons: consent's LegalBasis words for the Art. 19 exceptions that fit an emergency. */
export const emergencyReasons = ['DISASTER', 'URGENT_RISK_TO_LIFE_BODY_PROPERTY'] as const;
export type EmergencyReason = (typeof emergencyReasons)[number];

export const minEmergencyHours = 1;
export const maxEmergencyHours = 72;
export const maxGrantees = 20;
export const maxJustificationLength = 2000;
export const maxFindingsLength = 4000;

/** The stable event name of the alert (log line now; the metric's name once issue 15 adds one). */
export const emergencyAccessDeclaredEvent = 'emergency_access.declared';

export interface EmergencyAccessFacts {
  declaredAt: Date;
  endsAt: Date;
  endedAt: Date | null;
  reviewedAt: Date | null;
}

/**
 * ACTIVE: grantees read now. REVIEW_DUE: ended (by itself or early), not
 * reviewed yet. REVIEWED: ended and reviewed. A declaration is in force from
 * the instant it is recorded, so there is no "not yet started".
 */
export type EmergencyAccessStatus = 'ACTIVE' | 'REVIEW_DUE' | 'REVIEWED';

const hourMs = 3_600_000;

export function windowEnd(declaredAt: Date, hours: number): Date {
  return new Date(declaredAt.getTime() + hours * hourMs);
}

/** When the access stopped (or will stop) granting anything: the window's end, or the early end if sooner. */
export function effectiveEnd(access: Pick<EmergencyAccessFacts, 'endsAt' | 'endedAt'>): Date {
  return access.endedAt && access.endedAt < access.endsAt ? access.endedAt : access.endsAt;
}

export function isActive(access: EmergencyAccessFacts, at: Date): boolean {
  return access.declaredAt <= at && at < effectiveEnd(access);
}

export function statusAt(access: EmergencyAccessFacts, at: Date): EmergencyAccessStatus {
  if (isActive(access, at)) return 'ACTIVE';
  return access.reviewedAt ? 'REVIEWED' : 'REVIEW_DUE';
}

/**
 * The access under which `userId` may read `subjectId`'s rooms at `at`, or
 * null. With several in force, the one that lasts longest (then the lowest
 * id), so the same reads are flagged with the same access.
 */
export function grantInForce<
  A extends EmergencyAccessFacts & { id: string; subjectId: string; granteeIds: readonly string[] },
>(accesses: readonly A[], userId: string, subjectId: string, at: Date): string | null {
  const inForce = accesses
    .filter((a) => a.subjectId === subjectId && a.granteeIds.includes(userId) && isActive(a, at))
    .sort((a, b) => effectiveEnd(b).getTime() - effectiveEnd(a).getTime() || a.id.localeCompare(b.id));
  return inForce[0]?.id ?? null;
}

const allowed: Verdict = { allowed: true };

const forbidden = (message: Message): Verdict => ({ allowed: false, code: 'FORBIDDEN', message });
const illegal = (message: Message): Verdict => ({ allowed: false, code: 'ILLEGAL_TRANSITION', message });

const adminOnly: Message = {
  en: 'Only the system administrator declares, ends and reviews an emergency access (break-glass).',
  ja: '緊急アクセス（ブレークグラス）の宣言・終了・事後確認はシステム管理者だけが行えます。',
};

/** Declaring, ending, reviewing and listing: the system admin's alone. */
export function decideAdministration(caller: Caller): Verdict {
  return can(caller, 'emergency.declare') ? allowed : forbidden(adminOnly);
}

export function decideEnd(caller: Caller, access: EmergencyAccessFacts, at: Date): Verdict {
  const admin = decideAdministration(caller);
  if (!admin.allowed) return admin;
  return isActive(access, at)
    ? allowed
    : illegal({
        en: 'The emergency access has already ended.',
        ja: 'この緊急アクセスはすでに終了しています。',
      });
}

export function decideReview(caller: Caller, access: EmergencyAccessFacts, at: Date): Verdict {
  const admin = decideAdministration(caller);
  if (!admin.allowed) return admin;
  switch (statusAt(access, at)) {
    case 'ACTIVE':
      return illegal({
        en: 'The emergency access is still in force: review it once it has ended (end it early if it is no longer needed).',
        ja: 'この緊急アクセスはまだ有効です。終了してから事後確認してください（不要になった場合は早期に終了できます）。',
      });
    case 'REVIEWED':
      return illegal({
        en: 'The emergency access has already been reviewed.',
        ja: 'この緊急アクセスはすでに事後確認されています。',
      });
    case 'REVIEW_DUE':
      return allowed;
  }
}
