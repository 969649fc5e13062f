// Need to know for people (issue 10, part 2). Anyone who may see a user at
// all (a co-member of a room, a reader of a post, the decider of a form)
// sees who the colleague is: name, kana, role, facility, org unit. What says
// how the account is used (its sign-in id, its status, when it was last
// active) is for the person themself, the facility manager of the person's
// own facility, and the system admin and admin managers who supervise every
// facility (Art. 13): exactly `facility.supervise` on the person's facility.
//
// Anyone else reads these fields as null, not as a FORBIDDEN error: a room's
// member list or a timeline's authors must still render for a co-member of
// another facility, and an error per restricted field of every row would
// turn each list into a partial failure. The schema says on each field who
// sees it, so null there means "not yours to see" (as GitHub's and Shopify's
// APIs document privacy-dependent fields).
import { can } from '../../../lib/access/permissions';
import type { Principal } from '../../../lib/access/principal';

/** The User fields only the person and its supervisors see. */
export const accountFields = ['accountId', 'status', 'lastActiveAt'] as const;
export type AccountField = (typeof accountFields)[number];

/** Whether `viewer` may see the account fields of the user `person`. Pure. */
export function maySeeAccountOf(viewer: Principal, person: { id: string; facilityId: string }): boolean {
  if (viewer.kind !== 'user') return false;
  if (viewer.userId === person.id) return true;
  return can(viewer, 'facility.supervise', { facilityId: person.facilityId });
}
