// What a partner's join Task says (the poll job reads it), as a pure
// function. A receiver that is this software answers `received`; any FHIR R4 server
// stores our Task as we sent it (`requested`) and its people move it on by
// hand, so every status before a decision means "the partner holds it".
import { PartnerCallError } from './partner-error';
import type { FhirResource } from './partner-answer';
import type { PartnerTaskView } from '../../subgraphs/rooms';

const followed = ['received', 'accepted', 'rejected', 'completed', 'cancelled'] as const;
const careTeamReference = /(?:^|\/)CareTeam\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * The part of the partner's Task we follow, or null for a status in between
 * (requested, ready, in-progress, on-hold: not decided yet). An unexpected
 * shape is the partner's bug (retried, then a dead letter).
 */
export function taskView(task: FhirResource): PartnerTaskView | null {
  const reason = (task.statusReason as { text?: unknown } | undefined)?.text;
  // A Task the partner marks failed or entered-in-error will not move again: the request ends as cancelled.
  if (task.status === 'failed' || task.status === 'entered-in-error') {
    return {
      status: 'cancelled',
      statusReason: typeof reason === 'string' ? reason.slice(0, 1000) : `the partner marked the Task ${task.status}`,
      careTeamId: null,
    };
  }
  const status = String(task.status);
  if (!(followed as readonly string[]).includes(status)) return null;
  const outputs = Array.isArray(task.output)
    ? (task.output as Array<{ valueReference?: { reference?: unknown } }>)
    : [];
  const careTeamId =
    outputs
      .map((o) =>
        typeof o.valueReference?.reference === 'string'
          ? careTeamReference.exec(o.valueReference.reference)?.[1]
          : undefined,
      )
      .find((id) => id !== undefined) ?? null;
  if (status === 'completed' && !careTeamId)
    throw new PartnerCallError('INVALID_FHIR', 'the completed Task names no CareTeam in output', true);
  return {
    status: status as PartnerTaskView['status'],
    statusReason: typeof reason === 'string' ? reason.slice(0, 1000) : null,
    careTeamId,
  };
}
