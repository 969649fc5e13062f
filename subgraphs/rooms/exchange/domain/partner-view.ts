// What a partner may see of one of our rooms (Art. 20-2, GET CareTeam/<id>),
// and how the access chain names what it asked for. Pure: the service reads
// the room and the sharing view, these rules decide.
import type { ExternalParticipant, Room } from '../../../../generated/prisma/client';
import { isUuid } from '../../../../lib/input';

export type PartnerCareTeamView =
  | { scope: 'full'; room: Pick<Room, 'id' | 'openedAt'> & { status: 'OPEN' }; participants: ExternalParticipant[] }
  | { scope: 'status'; room: { id: string; status: 'SUSPENDED' | 'CLOSED' } };

/**
 * What a partner may see of a room it takes part in. Pure. While the room is
 * open and the subject's data may be shared: status, period and the
 * partner's own participants. Otherwise the status alone, with nothing that
 * says when or for whom the room exists: a withdrawn consent stops every
 * disclosure about the subject, the partner only needs to know the room is
 * no longer shared. A room still OPEN whose sharing view says no (the
 * suspension job has not run yet, or an exception's review date passed) is
 * shown as suspended, which it is about to become.
 */
export function partnerCareTeamScope(
  status: Room['status'],
  mayShare: boolean,
): { scope: 'full' } | { scope: 'status'; status: 'SUSPENDED' | 'CLOSED' } {
  if (status === 'CLOSED') return { scope: 'status', status: 'CLOSED' };
  if (status === 'SUSPENDED' || !mayShare) return { scope: 'status', status: 'SUSPENDED' };
  return { scope: 'full' };
}

/** How the access chain names a target a partner asked for: its id, or "malformed" (a partner's arbitrary text never enters the chain). */
export function partnerTarget(id: string): string {
  return isUuid(id) ? id.toLowerCase() : 'malformed';
}
