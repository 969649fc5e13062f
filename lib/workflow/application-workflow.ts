// The one application workflow every form uses (Forms 1-5 in identity,
// Forms 8-10 in rooms): submitted -> (forwarded) -> approved | rejected,
// then applied; or withdrawn by its submitter before a decision. Pure: the
// owning subgraph stores applications and their history and asks `decideStep`
// whether an actor may take a step.
import { can, type Operation } from '../access/permissions';
import type { Role, UserPrincipal } from '../access/principal';
import { refusalMessage } from '../access/refusals';
import type { Message } from '../messages/message';

export const applicationStatuses = ['SUBMITTED', 'FORWARDED', 'APPROVED', 'REJECTED', 'APPLIED', 'WITHDRAWN'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export type ApplicationAction = 'submit' | 'forward' | 'approve' | 'reject' | 'apply' | 'withdraw';

export const formNumbers = [1, 2, 3, 4, 5, 8, 9, 10] as const;
export type FormNumber = (typeof formNumbers)[number];

export interface FormRoute {
  submit: Operation;
  forward: Operation;
  decide: Operation;
  /** Room forms must be confirmed by the facility manager before a decision (Art. 20). */
  forwardRequired: boolean;
  /** Decisions by these roles are copied to the system admin (Art. 17-2, 20-3, 20-6). */
  copyToSystemAdminWhenDecidedBy: readonly Role[];
}

const facilityRoute: FormRoute = {
  submit: 'facility.submit',
  forward: 'facility.forward',
  decide: 'facility.decide',
  forwardRequired: false,
  copyToSystemAdminWhenDecidedBy: [],
};
const userRoute: FormRoute = {
  submit: 'user.submit',
  forward: 'facility.forward',
  decide: 'user.decide',
  forwardRequired: false,
  copyToSystemAdminWhenDecidedBy: ['ADMIN_MANAGER'],
};
const roomRoute: FormRoute = {
  submit: 'room.submit',
  forward: 'room.confirm',
  decide: 'room.decide',
  forwardRequired: true,
  copyToSystemAdminWhenDecidedBy: ['ADMIN_MANAGER', 'HOSPITAL_MANAGER'],
};

export const formRoutes: Record<FormNumber, FormRoute> = {
  1: facilityRoute,
  2: facilityRoute,
  3: facilityRoute,
  4: userRoute,
  5: userRoute,
  8: roomRoute,
  9: roomRoute,
  10: roomRoute,
};

export interface ApplicationFacts {
  form: FormNumber;
  status: ApplicationStatus;
  /** The facility the application concerns (null for a facility not registered yet). */
  facilityId: string | null;
  submittedBy: string;
}

export type Actor = Pick<UserPrincipal, 'userId' | 'role' | 'facilityId'>;

export type StepDecision =
  | { ok: true; next: ApplicationStatus; copyToSystemAdmin: boolean }
  | { ok: false; code: 'FORBIDDEN' | 'ILLEGAL_TRANSITION'; reason: Message };

/** A status as a caller reads it. */
export const statusNames: Record<ApplicationStatus, Message> = {
  SUBMITTED: { en: 'submitted', ja: '申請中' },
  FORWARDED: { en: 'forwarded', ja: '進達済み' },
  APPROVED: { en: 'approved', ja: '承認済み' },
  REJECTED: { en: 'rejected', ja: '却下済み' },
  APPLIED: { en: 'applied', ja: '反映済み' },
  WITHDRAWN: { en: 'withdrawn', ja: '取下げ済み' },
};

const actionNames: Record<Exclude<ApplicationAction, 'submit'>, Message> = {
  forward: { en: 'forwarded', ja: '進達' },
  approve: { en: 'approved', ja: '承認' },
  reject: { en: 'rejected', ja: '却下' },
  apply: { en: 'applied', ja: '反映' },
  withdraw: { en: 'withdrawn', ja: '取下げ' },
};

const from: Record<Exclude<ApplicationAction, 'submit'>, readonly ApplicationStatus[]> = {
  forward: ['SUBMITTED'],
  approve: ['SUBMITTED', 'FORWARDED'],
  reject: ['SUBMITTED', 'FORWARDED'],
  apply: ['APPROVED'],
  withdraw: ['SUBMITTED', 'FORWARDED'],
};

const next: Record<Exclude<ApplicationAction, 'submit'>, ApplicationStatus> = {
  forward: 'FORWARDED',
  approve: 'APPROVED',
  reject: 'REJECTED',
  apply: 'APPLIED',
  withdraw: 'WITHDRAWN',
};

/** May `actor` take `action` on the application now? Authorization is checked before the state. */
export function decideStep(
  application: ApplicationFacts,
  action: Exclude<ApplicationAction, 'submit'>,
  actor: Actor,
): StepDecision {
  return decideRouteStep(
    formRoutes[application.form],
    { en: `Form ${application.form}`, ja: `様式${application.form}` },
    application,
    action,
    actor,
  );
}

/**
 * The same steps for an application that is not a numbered form (an Art.
 * 20-3 outbound partner join), on its own route; `name` names it in refusals.
 */
export function decideRouteStep(
  route: FormRoute,
  name: Message,
  application: Omit<ApplicationFacts, 'form'>,
  action: Exclude<ApplicationAction, 'submit'>,
  actor: Actor,
): StepDecision {
  const target = { facilityId: application.facilityId };
  const allowed =
    action === 'forward'
      ? can(actor, route.forward, target)
      : action === 'withdraw'
        ? actor.userId === application.submittedBy
        : can(actor, route.decide, target);
  if (!allowed)
    return {
      ok: false,
      code: 'FORBIDDEN',
      reason:
        action === 'withdraw'
          ? {
              en: `Only the person who submitted this ${name.en} application may withdraw it.`,
              ja: `この${name.ja}の申請を取り下げられるのは申請した本人だけです。`,
            }
          : refusalMessage(actor.role, [action === 'forward' ? route.forward : route.decide]),
    };
  if (!from[action].includes(application.status)) {
    const status = statusNames[application.status];
    return {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      reason: {
        en: `This application is ${status.en}, so it cannot be ${actionNames[action].en} now. Reload it to see its current state.`,
        ja: `この申請は${status.ja}のため、${actionNames[action].ja}できません。読み込み直して現在の状態を確認してください。`,
      },
    };
  }
  if ((action === 'approve' || action === 'reject') && route.forwardRequired && application.status !== 'FORWARDED') {
    return {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      reason: {
        en: `A ${name.en} application must first be confirmed by the facility manager.`,
        ja: `${name.ja}の申請は、先にシステム管理責任者の確認が必要です。`,
      },
    };
  }
  const decided = action === 'approve' || action === 'reject';
  return {
    ok: true,
    next: next[action],
    copyToSystemAdmin: decided && route.copyToSystemAdminWhenDecidedBy.includes(actor.role),
  };
}

/**
 * May `actor` submit this form? Form 1 registers a facility that has no id
 * yet, so any facility manager may submit it; the other forms concern the
 * submitter's own facility. System and admin managers may record a paper
 * submission on an applicant's behalf (the regulations' forms are paper
 * first), which is a separate operation checked by the caller.
 */
export function maySubmit(form: FormNumber, actor: Actor, facilityId: string | null): boolean {
  const route = formRoutes[form];
  if (form === 1) return actor.role === 'FACILITY_MANAGER';
  return can(actor, route.submit, { facilityId });
}
