// Who hears that a certificate expires soon, and when (issue 15). Pure rules
// for the daily job (adapters/jobs/certificate-expiry.ts).
//
// - Thresholds are days before notAfter (CERTIFICATE_EXPIRY_WARNING_DAYS,
//   default 30 and 7). A certificate is warned about at the smallest
//   threshold it is within, once: a job that first sees it 5 days ahead
//   warns once for 7, not for 30 and 7 at the same moment. An expired or
//   revoked certificate is not warned about (there is nothing left to renew).
// - A terminal certificate is the facility's: its facility managers re-issue
//   it (they request it; a system administrator issues it), so they and every
//   system administrator hear of it. The CA and the server certificate are
//   the operators': every system administrator.
import type { Role, UserStatus } from '../../../generated/prisma/client';

const dayMs = 24 * 60 * 60 * 1000;

/** The threshold (days) a certificate expiring at notAfter is within at now, or null (not yet, or expired). */
export function warningThreshold(notAfter: Date, now: Date, thresholdsDays: readonly number[]): number | null {
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) return null;
  const within = thresholdsDays.filter((days) => left <= days * dayMs);
  return within.length > 0 ? Math.min(...within) : null;
}

/** The furthest threshold: certificates expiring before now + this are the ones to look at. */
export function lookAheadUntil(now: Date, thresholdsDays: readonly number[]): Date {
  return new Date(now.getTime() + Math.max(0, ...thresholdsDays) * dayMs);
}

export interface PossibleRecipient {
  id: string;
  role: Role;
  facilityId: string;
  status: UserStatus;
}

/** The users to warn: active system administrators, and for a terminal the active facility managers of its facility. */
export function expiryRecipients(
  certificate: { kind: 'TERMINAL'; facilityId: string } | { kind: 'CA' | 'SERVER' },
  users: readonly PossibleRecipient[],
): string[] {
  return users
    .filter(
      (user) =>
        user.status === 'ACTIVE' &&
        (user.role === 'SYSTEM_ADMIN' ||
          (certificate.kind === 'TERMINAL' &&
            user.role === 'FACILITY_MANAGER' &&
            user.facilityId === certificate.facilityId)),
    )
    .map((user) => user.id);
}
