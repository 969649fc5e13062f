// What the faults screen's list and report pages share: a report's status as
// a badge, and the person on the console as the step rules see them.
import type { FaultStatus } from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { useWords } from '../../session';
import type { Viewer } from './steps';
import { words } from './words';

export function viewerOf(me: Me): Viewer {
  return { role: me.user.role, facilityId: me.user.facility.id };
}

export function StatusBadge({ status }: { status: FaultStatus }) {
  const w = useWords(words);
  return (
    <span className={`badge ${status.toLowerCase()}`} data-status={status}>
      {w[status]}
    </span>
  );
}
