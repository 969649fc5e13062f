// Who may read partners' names (Query.partnerNames), and which partners they
// see. The registry itself (Partner: endpoints, keys, certificates, settings)
// stays the system admin's ('partner.manage'); a partner's id and name are
// what any signed-in person of the network needs to choose a partner (asking
// to join its room, issuing a share code for it) and to read a request's
// partner by name. Anyone else is refused: an anonymous caller, the gateway's
// own service principal, and a partner system (partners never hold a user
// session: a partner's token is no session of ours, and the gateway answers
// it as it answers no session at all).
import type { PartnerStatus } from '../../../generated/prisma/client';
import { requireSignedIn } from '../../../lib/access/guard';
import type { Principal, UserPrincipal } from '../../../lib/access/principal';

/**
 * The signed-in person who may read partners' names: every role. UNAUTHENTICATED for anyone who is
 * not a signed-in user; FORBIDDEN (PASSWORD_CHANGE_REQUIRED) until the first password change.
 */
export function partnerNamesReader(principal: Principal): UserPrincipal {
  return requireSignedIn(principal);
}

/** The statuses listed: the active partners, and the suspended ones too when asked. */
export function partnerNameStatuses(includeSuspended: boolean): PartnerStatus[] {
  return includeSuspended ? ['ACTIVE', 'SUSPENDED'] : ['ACTIVE'];
}

export interface PartnerName {
  id: string;
  name: string;
  active: boolean;
}

/** A registry row as a partner's name: its id, name and whether it is active; nothing else leaves. */
export function partnerNameOf(row: { id: string; name: string; status: PartnerStatus }): PartnerName {
  return { id: row.id, name: row.name, active: row.status === 'ACTIVE' };
}
