// Art. 20-3: keeps our users' memberships in partners' rooms current. Runs
// on its own (repeatable); each run reads GET CareTeam/<id> for the active
// memberships not synced recently (oldest first, a bounded batch) and
// records what changed: the room closed (CareTeam inactive) or our user no
// longer among the participants the partner shows us (removed, or its
// participation period ended) ends the membership. One partner being down
// or suspended does not hold the others back: its memberships are skipped
// and stay due, and since every membership taken is marked as tried, the
// next runs take the others first.
import { z } from 'zod';
import { findPartnerForExchange } from '../../subgraphs/identity';
import { membershipsToSync, recordCareTeam, recordFailure, type CareTeamView } from '../../subgraphs/rooms';
import { scheduledJob } from '../job-definition';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { clientFor } from '../partner/partner-calls';
import { PartnerCallError, type FhirResource, type PartnerClient } from '../partner/partner-client';

const batchSize = 50;

interface Participant {
  member?: { identifier?: { system?: unknown; value?: unknown } };
  period?: { end?: unknown };
}

/** Is our user (by our user identifier system) a current participant of the partner's CareTeam? */
export function careTeamView(careTeam: FhirResource, userSystem: string, userId: string, now: Date): CareTeamView {
  const participants = Array.isArray(careTeam.participant) ? (careTeam.participant as Participant[]) : [];
  const participant = participants.some((p) => {
    const id = p.member?.identifier;
    if (id?.system !== userSystem || id?.value !== userId) return false;
    const end = typeof p.period?.end === 'string' ? new Date(p.period.end) : null;
    return !end || Number.isNaN(end.getTime()) || end > now;
  });
  return { status: String(careTeam.status), participant };
}

export const externalRoomSync = scheduledJob({
  queue: 'external-room-sync',
  payload: z.object({}).strict(),
  every: 60_000,
  needs: ['outbound', 'partnerCalls'],
  async process(_payload, job, deps) {
    const { outbound, partnerCalls } = deps;
    const now = new Date();
    const due = await membershipsToSync(outbound, new Date(now.getTime() - partnerCalls.syncStaleMs), batchSize, now);
    const userSystem = ourIdentifierSystems(partnerCalls.exchange.fhirBaseUrl).user;
    // One registry read and one client per partner per run, not per membership.
    const clients = new Map<string, Promise<PartnerClient | null>>();
    const clientOf = (partnerId: string) => {
      let client = clients.get(partnerId);
      if (!client) {
        client = findPartnerForExchange(deps.identity.db, partnerId).then((partner) =>
          partner ? clientFor(partner, partnerCalls, deps.logger) : null,
        );
        clients.set(partnerId, client);
      }
      return client;
    };
    let ended = 0;
    for (const membership of due) {
      try {
        const client = await clientOf(membership.partnerId);
        if (!client) continue;
        const careTeam = await client.readCareTeam(membership.careTeamId, { requestId: membership.requestId });
        const after = await recordCareTeam(
          outbound,
          membership.id,
          careTeamView(careTeam, userSystem, membership.userId, now),
          now,
        );
        if (after?.status === 'ENDED') ended += 1;
      } catch (error) {
        // The partner no longer shows us the room at all: our user's access there is gone.
        if (
          error instanceof PartnerCallError &&
          error.code === 'REFUSED' &&
          (error.status === 404 || error.status === 410)
        ) {
          const after = await recordCareTeam(outbound, membership.id, { status: 'unknown', participant: false }, now);
          if (after?.status === 'ENDED') ended += 1;
          continue;
        }
        // The client has logged the failed call (code, partner, request); the request shows it as its latest failure.
        if (error instanceof PartnerCallError) await recordFailure(outbound, membership.requestId, error.code);
        else
          deps.logger.warn(
            { jobId: job.id, membershipId: membership.id, err: { name: (error as Error).name } },
            'external room sync: membership not synced, tried again on the next run',
          );
      }
    }
    if (ended > 0) deps.logger.info({ jobId: job.id, ended }, 'external memberships ended by partners');
  },
});
