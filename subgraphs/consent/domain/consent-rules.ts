// Pure consent rules: the current status is the latest entry of the
// history, and a change must move the status (grant only when not granted,
// withdraw only what is granted).
import type { Message } from '../../../lib/messages/message';
export type ConsentState = 'GRANTED' | 'WITHDRAWN';
export type ConsentStatus = ConsentState | 'NOT_RECORDED';

export function currentStatus(latest: { state: ConsentState } | null | undefined): ConsentStatus {
  return latest ? latest.state : 'NOT_RECORDED';
}

export function transitionProblem(current: ConsentStatus, next: ConsentState): Message | null {
  if (next === 'GRANTED' && current === 'GRANTED')
    return { en: 'Consent is already granted for this subject.', ja: 'この対象者の同意はすでに記録されています。' };
  if (next === 'WITHDRAWN' && current !== 'GRANTED')
    return {
      en: 'Consent is not currently granted for this subject, so it cannot be withdrawn.',
      ja: 'この対象者の同意は現在ないため、撤回できません。',
    };
  return null;
}
