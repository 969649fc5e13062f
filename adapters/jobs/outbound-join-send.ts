// Art. 20-3: an approved outbound join (rooms' outbox event
// 'outbound-join.approved', written with the approval) is POSTed to the
// partner as the contract's join Task. Idempotent end to end:
// - the processor re-reads the request and exits when it is no longer
//   approved or already sent (a retry, a duplicate, a re-driven dead letter);
// - the Task's identifier is the request id under our own identifier
//   system, so a POST repeated after a crash (the partner stored it, we never
//   heard back) gets 200 with the same Task, never a second one;
// - recording the answer is conditional on NOT_SENT.
// The partner's answer is validated (FHIR R4, a Task with an id and our
// identifier). A contract refusal (404: share code unknown, expired or not
// for us; 400/422: invalid) is final: the request is REFUSED with a code and
// the job stops (UnrecoverableError). Anything that may pass (timeout,
// network, 5xx, invalid FHIR, our key not registered yet) is thrown and
// retried with the exchange backoff, then dead-lettered.
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { buildJoinTask } from '../fhir/join-task';
import { assertValidR4 } from '../fhir/validator';
import { findPartnerForExchange } from '../../subgraphs/identity/services/partner-service';
import { outboundJoinApprovedEvent } from '../../subgraphs/rooms/services/outbound-join-service';
import { recordRefused, recordSent, requestToSend, type PartnerTaskStatus } from '../../subgraphs/rooms/services/external-membership-exchange';
import type { JobDefinition, JobDependencies } from '../job-definition';
import { taskNames } from '../../subgraphs/identity/services/exchange-names';
import { clientFor, ourIdentifierSystems } from '../partner/partner-calls';
import { PartnerCallError } from '../partner/partner-client';

const payload = z.object({ requestId: z.string().uuid() }).strict();

/** A final refusal: the request is recorded as REFUSED; not a delivery failure, so no dead letter. */
export class ContractRefusal extends UnrecoverableError {
  constructor(readonly code: string) {
    super(`the partner refused the join request: ${code}`);
    this.name = 'ContractRefusal';
  }
}

export function outboundDeps(deps: JobDependencies) {
  const { outbound, partnerCalls } = deps;
  if (!outbound || !partnerCalls) throw new Error('outbound exchange jobs need JobDependencies.outbound and .partnerCalls');
  return { outbound, partnerCalls };
}

function refusalCode(error: PartnerCallError): string {
  if (error.status === 404) return 'SHARE_CODE_NOT_FOUND';
  if (error.status === 400 || error.status === 422) return 'INVALID_REQUEST';
  return `HTTP_${error.status ?? 'UNKNOWN'}`;
}

const sentStatuses: readonly string[] = ['received', 'accepted', 'rejected', 'completed', 'cancelled'];

export const outboundJoinSend: JobDefinition<z.infer<typeof payload>> = {
  queue: 'outbound-join-send',
  event: outboundJoinApprovedEvent,
  exchange: true,
  payload,
  async process({ requestId }, job, deps) {
    const { outbound, partnerCalls } = outboundDeps(deps);
    const request = await requestToSend(outbound, requestId);
    if (!request) return;
    const partner = await findPartnerForExchange(deps.identity.db, request.partnerId);
    // Unknown or suspended: no traffic. Straight to a dead letter the system admin can re-drive once the partner is active.
    if (!partner) throw new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended');
    const names = await taskNames(deps.identity.db, { userId: request.requestedBy, facilityId: request.facilityId, adminId: request.approvedBy });
    if (!names) throw new UnrecoverableError('DIRECTORY: the requester, its facility or the approving admin is gone');
    const systems = ourIdentifierSystems(partnerCalls.exchange.fhirBaseUrl);
    const task = assertValidR4(
      buildJoinTask({
        identifier: { system: systems.request, value: request.id },
        shareCode: request.shareCode,
        authoredOn: request.approvedAt.toISOString(),
        requester: { system: systems.user, value: request.approvedBy, display: names.adminName },
        practitioner: { system: systems.user, value: request.requestedBy, display: names.userName },
        organization: { display: names.facilityName },
        reason: request.reason,
      }),
    );
    const client = await clientFor(partner, partnerCalls);
    let answer;
    try {
      answer = await client.createTask(task);
    } catch (error) {
      if (error instanceof PartnerCallError && !error.retryable) {
        const code = refusalCode(error);
        await recordRefused(outbound, requestId, code);
        deps.logger.info({ jobId: job.id, requestId, code }, 'outbound join refused by the partner');
        throw new ContractRefusal(code);
      }
      throw error;
    }
    const identifiers = Array.isArray(answer.task.identifier) ? (answer.task.identifier as Array<{ system?: string; value?: string }>) : [];
    if (!identifiers.some((i) => i.system === systems.request && i.value === request.id)) {
      throw new PartnerCallError('INVALID_FHIR', "the partner's Task does not carry our identifier", true);
    }
    const status = String(answer.task.status);
    if (!sentStatuses.includes(status)) throw new PartnerCallError('INVALID_FHIR', `the partner's new Task is ${status.slice(0, 20)}`, true);
    await recordSent(outbound, requestId, answer.task.id, status as PartnerTaskStatus);
    deps.logger.info({ jobId: job.id, requestId, httpStatus: answer.status }, 'outbound join delivered');
  },
};
