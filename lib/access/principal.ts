// Who is making a request, as the gateway asserts it to the subgraphs in
// the internal token. Subgraphs never read identity from anywhere else.

export const roles = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'] as const;
export type Role = (typeof roles)[number];

/** A verified client certificate (terminal certificate, appendix 2): SHA-256 of its DER, hex. */
export type CertificateFingerprint = string;

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  role: Role;
  facilityId: string;
  /** ADMIN_MANAGER: its department; HOSPITAL_MANAGER: its hospital (org unit ids). */
  orgUnitId: string | null;
  sessionId: string;
  /** True until the first-sign-in password change is done: only that is allowed. */
  mustChangePassword: boolean;
  certificate: CertificateFingerprint | null;
  address: string | null;
}

export interface AnonymousPrincipal {
  kind: 'anonymous';
  certificate: CertificateFingerprint | null;
  address: string | null;
}

/** The gateway itself, calling a subgraph's internal endpoint. */
export interface ServicePrincipal {
  kind: 'service';
  service: 'gateway';
}

export type Principal = UserPrincipal | AnonymousPrincipal | ServicePrincipal;

export function isUser(principal: Principal): principal is UserPrincipal {
  return principal.kind === 'user';
}
