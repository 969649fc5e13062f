// Art. 18 room-existence check: who may ask, pass, answer and see a check.
// Pure: the caller's role, id and facility and the check's status, requester
// and facility decide everything.
//
// - A USER asks (it holds room.submit); the check waits at its own
//   facility's manager (room.confirm, own facility), then at any admin or
//   hospital manager, then at the system admin, who answers.
// - Seeing: the requester; its facility's manager; admin and hospital
//   managers once the check has reached them (AT_MANAGER or later); the
//   system admin always. Anyone else is FORBIDDEN.
// - A caller who may see the check and could act on it at some stage, but
//   not at the current one (already passed, already answered), gets
//   ILLEGAL_TRANSITION; anyone else acting gets FORBIDDEN.
// - The answer is a yes/no and whom to ask: it never names a room or its
//   members, so a requester learns nothing of a room's content.
import { can } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import type { Verdict } from './room-access';
import type { Message } from '../../../lib/messages/message';

/** Who may see an existence check, as a refusal says it. */
export const checkHiddenMessage: Message = {
  en: 'Only the person who asked and the managers the check has reached may see it.',
  ja: 'この確認を見られるのは、依頼した本人と確認が届いた管理者だけです。',
};

export const existenceCheckStatuses = ['AT_FACILITY_MANAGER', 'AT_MANAGER', 'AT_SYSTEM_ADMIN', 'ANSWERED'] as const;
export type ExistenceCheckStatus = (typeof existenceCheckStatuses)[number];

export type Caller = Pick<UserPrincipal, 'userId' | 'role' | 'facilityId'>;

export interface CheckFacts {
  status: ExistenceCheckStatus;
  requestedBy: string;
  facilityId: string;
}

const reachedManagers: readonly ExistenceCheckStatus[] = ['AT_MANAGER', 'AT_SYSTEM_ADMIN', 'ANSWERED'];

const isDecidingManager = (caller: Caller) =>
  (caller.role === 'ADMIN_MANAGER' || caller.role === 'HOSPITAL_MANAGER') && can(caller, 'room.decide');
const isFacilityManagerOf = (caller: Caller, check: CheckFacts) =>
  can(caller, 'room.confirm', { facilityId: check.facilityId });

/** Only a USER (room.submit) asks whether a room exists for a person. */
export function mayAsk(caller: Caller): boolean {
  return can(caller, 'room.submit');
}

export function maySeeCheck(caller: Caller, check: CheckFacts): boolean {
  if (caller.role === 'SYSTEM_ADMIN') return true;
  if (check.requestedBy === caller.userId) return true;
  if (isFacilityManagerOf(caller, check)) return true;
  return isDecidingManager(caller) && reachedManagers.includes(check.status);
}

/**
 * The checks a caller may see, as a filter the service turns into a query;
 * it must agree with maySeeCheck (the unit tests hold them together).
 */
export type VisibleChecks =
  | { kind: 'all' }
  | { kind: 'statuses'; statuses: ExistenceCheckStatus[] }
  | { kind: 'facility'; facilityId: string }
  | { kind: 'requester'; userId: string };

export function visibleChecks(caller: Caller): VisibleChecks {
  if (caller.role === 'SYSTEM_ADMIN') return { kind: 'all' };
  if (isDecidingManager(caller)) return { kind: 'statuses', statuses: [...reachedManagers] };
  if (can(caller, 'room.confirm', { facilityId: caller.facilityId }))
    return { kind: 'facility', facilityId: caller.facilityId };
  return { kind: 'requester', userId: caller.userId };
}

export type CheckAction = 'pass' | 'answer';

/** Who acts at each waiting status, and with which action. */
const stages: Record<
  Exclude<ExistenceCheckStatus, 'ANSWERED'>,
  { action: CheckAction; actor: (caller: Caller, check: CheckFacts) => boolean; next: ExistenceCheckStatus }
> = {
  AT_FACILITY_MANAGER: { action: 'pass', actor: isFacilityManagerOf, next: 'AT_MANAGER' },
  AT_MANAGER: { action: 'pass', actor: isDecidingManager, next: 'AT_SYSTEM_ADMIN' },
  AT_SYSTEM_ADMIN: { action: 'answer', actor: (caller) => caller.role === 'SYSTEM_ADMIN', next: 'ANSWERED' },
};

const forbidden = (message: Message): Verdict => ({ allowed: false, code: 'FORBIDDEN', message });

const checkStatusNames: Record<ExistenceCheckStatus, Message> = {
  AT_FACILITY_MANAGER: { en: 'with the facility manager', ja: 'システム管理責任者の確認待ち' },
  AT_MANAGER: { en: 'with an administrative or hospital manager', ja: '行政管理者または病院管理者の確認待ち' },
  AT_SYSTEM_ADMIN: { en: 'with the system administrator', ja: 'システム管理者の回答待ち' },
  ANSWERED: { en: 'answered', ja: '回答済み' },
};

/** May the caller take this action on the check now? */
export function decideCheckAction(caller: Caller, check: CheckFacts, action: CheckAction): Verdict {
  if (!maySeeCheck(caller, check)) return forbidden(checkHiddenMessage);
  const stage = check.status === 'ANSWERED' ? null : stages[check.status];
  if (stage && stage.action === action && stage.actor(caller, check)) return { allowed: true };
  const actsSomewhere = Object.values(stages).some((s) => s.action === action && s.actor(caller, check));
  if (!actsSomewhere) {
    return forbidden(
      action === 'answer'
        ? {
            en: 'Only the system administrator answers an existence check.',
            ja: '部屋の有無の確認に回答するのはシステム管理者だけです。',
          }
        : {
            en: 'Only the facility manager, and then an administrative or hospital manager, pass an existence check on.',
            ja: '部屋の有無の確認を進達するのは、システム管理責任者、次に行政管理者または病院管理者です。',
          },
    );
  }
  const status = checkStatusNames[check.status];
  return {
    allowed: false,
    code: 'ILLEGAL_TRANSITION',
    message:
      action === 'pass'
        ? {
            en: `The check is ${status.en}, so you cannot pass it on now.`,
            ja: `この確認は${status.ja}のため、今は進達できません。`,
          }
        : {
            en: `The check is ${status.en}, so it cannot be answered now.`,
            ja: `この確認は${status.ja}のため、今は回答できません。`,
          },
  };
}

/** The status a check moves to when the action is allowed at its current status. */
export function nextStatus(status: ExistenceCheckStatus): ExistenceCheckStatus {
  if (status === 'ANSWERED') throw new Error('an answered check does not move');
  return stages[status].next;
}

export { isKanaName, isPlausibleBirthDate } from '../../../lib/japanese-names';
