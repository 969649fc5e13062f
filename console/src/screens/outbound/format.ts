// What the outbound screens share: the badge of a status, whether a request
// waits for this person, and how a partner is named.
import type {
  OutboundExchangeStatus,
  OutboundJoinRowFragment,
  OutboundJoinStatus,
} from '../../../../generated/console/operations';

export const statusBadge: Record<OutboundJoinStatus, string> = {
  SUBMITTED: 'submitted',
  FORWARDED: 'forwarded',
  APPROVED: 'approved',
  REJECTED: 'rejected',
  WITHDRAWN: 'off',
};

export const exchangeBadge: Record<OutboundExchangeStatus, string> = {
  NOT_SENT: 'off',
  RECEIVED: 'submitted',
  ACCEPTED: 'approved',
  COMPLETED: 'good',
  REJECTED: 'rejected',
  REFUSED: 'bad',
  CANCELLED: 'off',
};

/** The word key of a partner's status: its REJECTED is not ours. */
export function exchangeWord(status: OutboundExchangeStatus) {
  return status === 'REJECTED' ? ('PARTNER_REJECTED' as const) : status;
}

/** Whether the request is still under way (ours or the partner's decision to come). */
export function underWay(row: Pick<OutboundJoinRowFragment, 'status' | 'exchangeStatus'>): boolean {
  if (row.status === 'SUBMITTED' || row.status === 'FORWARDED') return true;
  return row.status === 'APPROVED' && ['NOT_SENT', 'RECEIVED', 'ACCEPTED'].includes(row.exchangeStatus);
}

/** Whether the next step is this person's: the user's own request under way, the manager's to confirm, the admin's to approve. */
export function waitsFor(role: string, userId: string, row: OutboundJoinRowFragment): boolean {
  if (role === 'FACILITY_MANAGER') return row.status === 'SUBMITTED';
  if (role === 'SYSTEM_ADMIN') return row.status === 'FORWARDED';
  return row.requestedBy.id === userId && underWay(row);
}

/** A partner by name (partnerNames, for every role), else (names not read) by the start of its id. */
export function partnerLabel(names: ReadonlyMap<string, string>, partnerId: string): string {
  return names.get(partnerId) ?? `${partnerId.slice(0, 8)}…`;
}
