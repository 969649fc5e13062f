// Art. 22: a fault goes from the user who noticed it, through the facility
// manager, to the system admin, who investigates and responds. Pure: which
// step may follow which, and who may take it.
import { can } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import type { Message } from '../../../lib/messages/message';
import { refusalMessage } from '../../../lib/access/refusals';

export type FaultStatus = 'REPORTED' | 'FORWARDED' | 'INVESTIGATING' | 'RESOLVED';
export type FaultAction = 'forward' | 'investigate' | 'resolve';

const transitions: Record<FaultAction, { from: FaultStatus[]; to: FaultStatus }> = {
  forward: { from: ['REPORTED'], to: 'FORWARDED' },
  investigate: { from: ['FORWARDED'], to: 'INVESTIGATING' },
  resolve: { from: ['FORWARDED', 'INVESTIGATING'], to: 'RESOLVED' },
};

export type FaultDecision =
  | { ok: true; next: FaultStatus }
  | { ok: false; code: 'FORBIDDEN' | 'ILLEGAL_TRANSITION'; reason: Message };

const statusNames: Record<FaultStatus, Message> = {
  REPORTED: { en: 'reported', ja: '報告済み' },
  FORWARDED: { en: 'forwarded', ja: '進達済み' },
  INVESTIGATING: { en: 'under investigation', ja: '調査中' },
  RESOLVED: { en: 'resolved', ja: '対応済み' },
};

/** A facility manager's own report is already with the facility manager: it starts forwarded. */
export function initialStatus(reporter: Pick<UserPrincipal, 'role'>): FaultStatus {
  return reporter.role === 'FACILITY_MANAGER' ? 'FORWARDED' : 'REPORTED';
}

export function decideFaultStep(
  fault: { status: FaultStatus; facilityId: string },
  action: FaultAction,
  actor: Pick<UserPrincipal, 'role' | 'facilityId'>,
): FaultDecision {
  const allowed =
    action === 'forward' ? can(actor, 'fault.forward', { facilityId: fault.facilityId }) : can(actor, 'fault.respond');
  if (!allowed)
    return {
      ok: false,
      code: 'FORBIDDEN',
      reason: refusalMessage(actor.role, [action === 'forward' ? 'fault.forward' : 'fault.respond']),
    };
  const { from, to } = transitions[action];
  if (!from.includes(fault.status)) {
    const [now, next] = [statusNames[fault.status], statusNames[to]];
    return {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      reason: {
        en: `This fault report is ${now.en}, so it cannot become ${next.en}. Reload it to see its current state.`,
        ja: `この障害報告は${now.ja}のため、${next.ja}にできません。読み込み直して現在の状態を確認してください。`,
      },
    };
  }
  return { ok: true, next: to };
}

/** Who sees a report: the system admin all, a facility manager its facility's, others their own. */
export function maySeeFault(
  fault: { facilityId: string; reportedBy: string },
  viewer: Pick<UserPrincipal, 'role' | 'facilityId' | 'userId'>,
): boolean {
  if (viewer.role === 'SYSTEM_ADMIN') return true;
  if (viewer.role === 'FACILITY_MANAGER' && viewer.facilityId === fault.facilityId) return true;
  return fault.reportedBy === viewer.userId;
}
