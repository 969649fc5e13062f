// Which Art. 22 steps the person on the console may take on a fault report,
// mirroring the graph's rules (subgraphs/identity/domain/fault-rules.ts): the
// facility manager forwards its facility's reported faults; the system admin
// investigates forwarded ones and answers forwarded or investigated ones. The
// graph stays the authority: these only decide which buttons are shown.
// Pure, for the unit tests.

export type FaultStatus = 'REPORTED' | 'FORWARDED' | 'INVESTIGATING' | 'RESOLVED';

export interface Viewer {
  role: string;
  facilityId: string;
}

export interface FaultFacts {
  status: FaultStatus;
  facilityId: string;
}

export interface FaultSteps {
  forward: boolean;
  investigate: boolean;
  resolve: boolean;
}

export function faultSteps(viewer: Viewer, fault: FaultFacts): FaultSteps {
  const admin = viewer.role === 'SYSTEM_ADMIN';
  return {
    forward:
      viewer.role === 'FACILITY_MANAGER' && viewer.facilityId === fault.facilityId && fault.status === 'REPORTED',
    investigate: admin && fault.status === 'FORWARDED',
    resolve: admin && (fault.status === 'FORWARDED' || fault.status === 'INVESTIGATING'),
  };
}

/** Whether the report waits for this person's step. */
export function waitsFor(viewer: Viewer, fault: FaultFacts): boolean {
  const steps = faultSteps(viewer, fault);
  return steps.forward || steps.investigate || steps.resolve;
}

/** A step in the history: the first one is the report itself (a facility manager's starts FORWARDED). */
export function stepKey(
  index: number,
  status: FaultStatus,
): 'stepReport' | 'stepForward' | 'stepInvestigate' | 'stepResolve' {
  if (index === 0) return 'stepReport';
  return status === 'INVESTIGATING' ? 'stepInvestigate' : status === 'RESOLVED' ? 'stepResolve' : 'stepForward';
}

/** The operations a system admin typed for an OPERATIONS restriction: separated by commas, spaces or lines. */
export function operationNames(text: string): string[] {
  return [...new Set(text.split(/[\s,、]+/).filter((name) => name !== ''))];
}

/** A `datetime-local` value (the terminal's own time) as the ISO instant the graph takes; null when not a time. */
export function instantOf(local: string): string | null {
  const date = new Date(local);
  return local.trim() === '' || Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Now as a `datetime-local` value in the terminal's own time, to the minute. */
export function localNow(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}
