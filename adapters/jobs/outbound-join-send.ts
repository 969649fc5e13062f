// Art. 20-3: an approved outbound join (rooms' outbox event
// 'outbound-join.approved', written with the approval) is sent to the
// partner as the contract's join Task, and created there exactly once,
// whatever the partner is (this software, or any FHIR R4 server that knows
// nothing of our contract):
// - the Task's identifier is the request id under our own identifier system,
//   and the POST is a FHIR conditional create (If-None-Exist on it), so a
//   server that honours it never stores the request twice;
// - just before the first POST the request is marked as possibly sent
//   (markSendAttempted, a write-ahead mark). Every later attempt, whether a
//   retry after a timeout, a reset, an unreadable answer or a worker killed
//   mid-call, first searches the partner (GET Task?identifier=) and adopts
//   the Task it finds; it creates only when the search finds none. This also
//   protects against servers that ignore If-None-Exist;
// - more than one Task with our identifier (a partner that ignored both)
//   is an anomaly: the first listed is adopted, the others are named in a
//   DUPLICATE_TASKS step and a warn log, and nothing more is created;
// - the processor re-reads the request and exits when it is no longer
//   approved or already sent; recording the answer is conditional on NOT_SENT;
// - every POST is gated by the write-ahead mark, conditional on the request
//   still being approved: a withdrawal that committed first means no POST,
//   one that commits after the mark is the cancel job's to follow up (a Task
//   that arrives anyway is recorded and then cancelled).
// A 4xx with an OperationOutcome to the create is final: the request is
// REFUSED with a code and the job stops (UnrecoverableError). Every other
// failure (partner-answer.ts decides) is recorded on the request as its
// latest failure, thrown, retried with the exchange backoff, then
// dead-lettered with the same code.
import { UnrecoverableError } from 'bullmq';
import { buildJoinTask } from '../fhir/join-task';
import { assertValidR4 } from '../fhir/validator';
import { findPartnerForExchange, taskNames } from '../../subgraphs/identity';
import { joinConsentOf } from '../../subgraphs/consent';
import {
  outboundJoinApprovedEvent,
  markSendAttempted,
  recordFailure,
  recordRefused,
  recordSent,
  requestToSend,
} from '../../subgraphs/rooms';
import { eventJob } from '../job-definition';
import { carriesIdentifier, taskToAdopt, type Identifier, type IdentifiedResource } from '../partner/partner-answer';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { facilityIdentifiers } from '../../lib/exchange/jp-identifiers';
import { clientFor } from '../partner/partner-calls';
import { PartnerCallError, type PartnerClient } from '../partner/partner-client';

/** A final refusal: the request is recorded as REFUSED; not a delivery failure, so no dead letter. */
export class ContractRefusal extends UnrecoverableError {
  constructor(readonly code: string) {
    super(`the partner refused the join request: ${code}`);
    this.name = 'ContractRefusal';
  }
}

/** The request's refusal code (exchangeReason) for the partner's final answer to our create. */
export function refusalCode(error: PartnerCallError): string {
  if (error.status === 404) return 'SHARE_CODE_NOT_FOUND';
  if (error.status === 400 || error.status === 422) return 'INVALID_REQUEST';
  return `HTTP_${error.status ?? 'UNKNOWN'}`;
}

interface Delivered {
  task: IdentifiedResource;
  /** Found by a search rather than created by this attempt. */
  adopted: boolean;
  /** Ids of further Tasks carrying our identifier (should be none). */
  duplicates: string[];
}

/** Search the partner for the Task an earlier, unanswered send may have left there. */
async function findEarlier(
  client: PartnerClient,
  identifier: Identifier,
  requestId: string,
): Promise<Delivered | null> {
  try {
    const found = taskToAdopt(await client.searchTasks(identifier, { requestId }));
    return found ? { task: found.task, adopted: true, duplicates: found.others } : null;
  } catch (error) {
    // A search the partner refuses is no answer to our join request: never REFUSED, retried like any fault.
    if (error instanceof PartnerCallError && !error.retryable)
      throw new PartnerCallError(error.code, `${error.message} to an identifier search`, true, error.details);
    throw error;
  }
}

/** Create the Task (conditional create); a 412 means the partner already holds several: adopt one of them. */
async function create(
  client: PartnerClient,
  task: Record<string, unknown>,
  identifier: Identifier,
  requestId: string,
): Promise<Delivered> {
  try {
    const answer = await client.createTask(task, identifier, { requestId });
    return { task: answer.task, adopted: answer.status === 200, duplicates: [] };
  } catch (error) {
    if (error instanceof PartnerCallError && error.status === 412) {
      const found = await findEarlier(client, identifier, requestId);
      if (found) return found;
      throw new PartnerCallError(
        'HTTP_412',
        'the partner answered 412 to our conditional create, but its search finds no Task with our identifier',
        true,
        { status: 412, operation: 'create-task' },
      );
    }
    throw error;
  }
}

export const outboundJoinSend = eventJob({
  queue: 'outbound-join-send',
  events: [outboundJoinApprovedEvent],
  exchange: true,
  needs: ['outbound', 'partnerCalls', 'consent'],
  async process({ requestId }, job, deps) {
    const { outbound, partnerCalls } = deps;
    const request = await requestToSend(outbound, requestId);
    if (!request) return;
    const partner = await findPartnerForExchange(deps.identity.db, request.partnerId);
    // Unknown or suspended: no traffic. Straight to a dead letter the system admin can re-drive once the partner is active.
    if (!partner) throw new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended');
    const names = await taskNames(deps.identity.db, {
      userId: request.requestedBy,
      facilityId: request.facilityId,
      adminId: request.approvedBy,
    });
    if (!names) throw new UnrecoverableError('DIRECTORY: the requester, its facility or the approving admin is gone');
    // Contract v2: the consent the join is asked under, as it stands now (re-read on every attempt). A request
    // that names a subject whose consent is no longer granted is not sent: a Consent we could not vouch for
    // must not travel, and sending without one would misstate the basis (deny by default).
    const consent = request.subjectId ? await joinConsentOf(deps.consent, request.subjectId) : null;
    if (request.subjectId && !consent)
      throw new UnrecoverableError("CONSENT_NOT_GRANTED: the subject's consent is not granted now");
    const systems = ourIdentifierSystems(partnerCalls.exchange.fhirBaseUrl);
    const identifier = { system: systems.request, value: request.id };
    const task = assertValidR4(
      buildJoinTask({
        identifier,
        shareCode: request.shareCode,
        authoredOn: request.approvedAt.toISOString(),
        requester: { system: systems.user, value: request.approvedBy, display: names.adminName },
        practitioner: { system: systems.user, value: request.requestedBy, display: names.userName },
        organization: {
          display: names.facilityName,
          identifiers: facilityIdentifiers(
            {
              id: request.facilityId,
              medicalInstitutionCode: names.medicalInstitutionCode,
              careProviderNumber: names.careProviderNumber,
            },
            systems.facility,
          ),
        },
        reason: request.reason,
        consent,
      }),
    );
    let delivered: Delivered;
    try {
      const client = await clientFor(partner, partnerCalls, deps.logger);
      const earlier = request.sendAttemptedAt ? await findEarlier(client, identifier, requestId) : null;
      if (earlier) {
        delivered = earlier;
      } else {
        // Withdrawn since it was read: nothing is posted (the withdrawal's cancel job finds nothing to cancel).
        if (!(await markSendAttempted(outbound, requestId, request.sendAttemptedAt))) {
          deps.logger.info({ jobId: job.id, requestId }, 'outbound join withdrawn before sending: not sent');
          return;
        }
        delivered = await create(client, task, identifier, requestId);
      }
      if (!carriesIdentifier(delivered.task, identifier))
        throw new PartnerCallError('INVALID_FHIR', "the partner's Task does not carry our identifier", true, {
          operation: 'create-task',
          outcomeUnknown: true,
        });
    } catch (error) {
      if (!(error instanceof PartnerCallError)) throw error;
      await recordFailure(outbound, requestId, error.code);
      if (!error.retryable && error.code === 'REFUSED') {
        const code = refusalCode(error);
        await recordRefused(outbound, requestId, code);
        deps.logger.info(
          { jobId: job.id, requestId, partnerId: partner.id, code },
          'outbound join refused by the partner',
        );
        throw new ContractRefusal(code);
      }
      throw error;
    }
    const anomaly =
      delivered.duplicates.length > 0
        ? `DUPLICATE_TASKS: ${delivered.duplicates.length + 1} Tasks at the partner carry our identifier; adopted Task/${delivered.task.id}, not Task/${delivered.duplicates.slice(0, 5).join(', Task/')}`
        : undefined;
    if (anomaly)
      deps.logger.warn(
        {
          jobId: job.id,
          requestId,
          partnerId: partner.id,
          code: 'DUPLICATE_TASKS',
          adopted: delivered.task.id,
          others: delivered.duplicates.slice(0, 5),
        },
        'several Tasks at the partner carry our identifier: the first is adopted',
      );
    // The poll job, started by recordSent, reads the Task again and records any decision it already carries.
    await recordSent(outbound, requestId, delivered.task.id, 'received', new Date(), {
      adopted: delivered.adopted,
      anomaly,
    });
    deps.logger.info(
      { jobId: job.id, requestId, partnerId: partner.id, partnerTaskId: delivered.task.id, adopted: delivered.adopted },
      'outbound join delivered',
    );
  },
});
