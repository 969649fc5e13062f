// Art. 20-3: follows a delivered outbound join (rooms' outbox event
// 'outbound-join.sent') by reading the partner's Task (GET Task/<id>) until
// it is final: rejected (with statusReason), completed (our user is in the
// room: the external membership is recorded, with the CareTeam from
// Task.output) or cancelled. While the partner has not decided, the job puts
// itself back in the delayed set (moveToDelayed + DelayedError: this uses no
// attempt) for a wait that doubles per poll up to a cap, so a decision that
// takes days costs a few dozen calls. A failed read (timeout, 5xx, invalid
// FHIR) is retried with the exchange backoff, then dead-lettered like any
// exchange job. Recording is conditional on the status read, so repeated
// polls and duplicate jobs change nothing.
import { DelayedError, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { findPartnerForExchange } from '../../subgraphs/identity/services/partner-service';
import { finalExchangeStatuses, outboundJoinSentEvent, recordPartnerTask, requestToPoll, type PartnerTaskView } from '../../subgraphs/rooms/services/external-membership-exchange';
import type { JobDefinition } from '../job-definition';
import { clientFor, pollDelay } from '../partner/partner-calls';
import { PartnerCallError, type FhirResource } from '../partner/partner-client';
import { outboundDeps } from './outbound-join-send';

const payload = z.object({ requestId: z.string().uuid() }).strict();

const followed = ['received', 'accepted', 'rejected', 'completed', 'cancelled'] as const;
const careTeamReference = /(?:^|\/)CareTeam\/([A-Za-z0-9\-.]{1,64})$/;

/** The part of the partner's Task we follow; an unexpected shape is the partner's bug (retried, then a dead letter). */
export function taskView(task: FhirResource): PartnerTaskView | null {
  const reason = (task.statusReason as { text?: unknown } | undefined)?.text;
  // A Task the partner marks failed or entered-in-error will not move again: the request ends as cancelled.
  if (task.status === 'failed' || task.status === 'entered-in-error') {
    return { status: 'cancelled', statusReason: typeof reason === 'string' ? reason.slice(0, 1000) : `the partner marked the Task ${task.status}`, careTeamId: null };
  }
  const status = String(task.status);
  if (!(followed as readonly string[]).includes(status)) return null;
  const outputs = Array.isArray(task.output) ? (task.output as Array<{ valueReference?: { reference?: unknown } }>) : [];
  const careTeamId = outputs.map((o) => (typeof o.valueReference?.reference === 'string' ? careTeamReference.exec(o.valueReference.reference)?.[1] : undefined)).find((id) => id !== undefined) ?? null;
  if (status === 'completed' && !careTeamId) throw new PartnerCallError('INVALID_FHIR', 'the completed Task names no CareTeam in output', true);
  return { status: status as PartnerTaskView['status'], statusReason: typeof reason === 'string' ? reason.slice(0, 1000) : null, careTeamId };
}

export const outboundJoinPoll: JobDefinition<z.infer<typeof payload>> = {
  queue: 'outbound-join-poll',
  event: outboundJoinSentEvent,
  exchange: true,
  payload,
  async process({ requestId }, job, deps) {
    const { outbound, partnerCalls } = outboundDeps(deps);
    const request = await requestToPoll(outbound, requestId);
    if (!request?.partnerTaskId) return;
    const partner = await findPartnerForExchange(deps.identity.db, request.partnerId);
    if (!partner) throw new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended');
    const client = await clientFor(partner, partnerCalls);
    const view = taskView(await client.readTask(request.partnerTaskId));
    const status = view ? await recordPartnerTask(outbound, requestId, view) : request.exchangeStatus;
    if (finalExchangeStatuses.includes(status)) {
      deps.logger.info({ jobId: job.id, requestId, status }, 'outbound join decided by the partner');
      return;
    }
    // Not decided yet: look again later, without spending an attempt.
    await job.moveToDelayed(Date.now() + pollDelay(partnerCalls, request.pollCount), job.token);
    throw new DelayedError();
  },
};
