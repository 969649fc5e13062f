// The badges of the partner screens' statuses (the shared styles' badge colours).
import type {
  ExternalMembershipStatus,
  PartnerStatus,
  RoomShareCodeStatus,
} from '../../../../generated/console/operations';

export const statusBadge: Record<PartnerStatus, string> = { ACTIVE: 'good', SUSPENDED: 'bad' };

export const membershipBadge: Record<ExternalMembershipStatus, string> = { ACTIVE: 'good', ENDED: 'off' };

export const shareCodeBadge: Record<RoomShareCodeStatus, string> = { ACTIVE: 'good', EXPIRED: 'off', REVOKED: 'off' };
