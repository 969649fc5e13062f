// Pure consent rules: the current status is the latest entry of the
// history, and a change must move the status (grant only when not granted,
// withdraw only what is granted).
export type ConsentState = 'GRANTED' | 'WITHDRAWN';
export type ConsentStatus = ConsentState | 'NOT_RECORDED';

export function currentStatus(latest: { state: ConsentState } | null | undefined): ConsentStatus {
  return latest ? latest.state : 'NOT_RECORDED';
}

export function transitionProblem(current: ConsentStatus, next: ConsentState): string | null {
  if (next === 'GRANTED' && current === 'GRANTED') return 'consent is already granted for this subject';
  if (next === 'WITHDRAWN' && current !== 'GRANTED') return 'consent is not currently granted for this subject';
  return null;
}
