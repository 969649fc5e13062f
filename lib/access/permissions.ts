// The one permission table: every operation any subgraph guards, and what
// each role may do with it (Art. 12-15, 20-2, 20-3, 23; docs/access-rules.md
// "Who may do what"). Subgraphs call `can` with the principal and the facts
// of the target (own facility? member of the room?); nothing else decides.
// Anything not granted here is denied.
import type { Role, UserPrincipal } from './principal';

/**
 * How a role holds an operation:
 * - any: on every target;
 * - own-facility: only on its own facility (or staff of it);
 * - forward: may pass an application on to the deciding role, not decide it;
 * - member: only on rooms where it is an invited member.
 */
export type Grant = 'any' | 'own-facility' | 'forward' | 'member';

export const operations = [
  'facility.submit', // Forms 1-3: register, change, stop a facility
  'facility.forward',
  'facility.decide',
  'user.submit', // Forms 4-5: register, change, retire a user
  'user.decide',
  'certificate.issue', // issue / revoke terminal certificates, send install instructions
  'room.submit', // Forms 8-10
  'room.confirm', // facility manager confirms and forwards a room application
  'room.decide',
  'partner.registerInboundUser', // Art. 20-2
  'partner.requestOutboundJoin', // Art. 20-3: sends the request to the partner
  'partner.forwardOutboundJoin',
  'partner.askOutboundJoin',
  'partner.manage', // the partner registry (Art. 20-2, 20-3): register, change, suspend partner systems
  'facility.supervise', // guide and supervise facilities (read their applications and users)
  'system.restrict', // Art. 23-1
  'account.deleteUnused', // Art. 23-2
  'account.suspend', // Art. 23-3
  'content.remove', // Art. 23-4
  'room.content', // read and write room content
  'audit.read',
  'fault.report', // Art. 22: any user reports an anomaly ...
  'fault.forward', // ... through its facility manager ...
  'fault.respond', // ... to the system admin, who investigates and responds
  'disclosure.record', // appendix 5: record a subject's disclosure request ...
  'disclosure.produce', // ... which the system admin answers with the disclosure report
  'exchange.deadLetters', // partner exchange: see the jobs that failed their last attempt and re-drive them
  'emergency.declare', // break-glass: declare, end and review an emergency access to a subject's rooms
] as const;
export type Operation = (typeof operations)[number];

type Table = Record<Operation, Partial<Record<Role, Grant>>>;

export const permissionTable: Table = {
  'facility.submit': { FACILITY_MANAGER: 'own-facility' },
  'facility.forward': { ADMIN_MANAGER: 'forward' },
  'facility.decide': { SYSTEM_ADMIN: 'any' },
  'user.submit': { FACILITY_MANAGER: 'own-facility' },
  'user.decide': { SYSTEM_ADMIN: 'any', ADMIN_MANAGER: 'any' },
  'certificate.issue': { SYSTEM_ADMIN: 'any', ADMIN_MANAGER: 'any' },
  'room.submit': { USER: 'any' },
  'room.confirm': { FACILITY_MANAGER: 'own-facility' },
  'room.decide': { SYSTEM_ADMIN: 'any', ADMIN_MANAGER: 'any', HOSPITAL_MANAGER: 'any' },
  'partner.registerInboundUser': { SYSTEM_ADMIN: 'any', ADMIN_MANAGER: 'any', HOSPITAL_MANAGER: 'any' },
  'partner.requestOutboundJoin': { SYSTEM_ADMIN: 'any' },
  'partner.forwardOutboundJoin': { FACILITY_MANAGER: 'own-facility' },
  'partner.askOutboundJoin': { USER: 'any' },
  // Not in the brief's table: registering a partner system opens the network to another organization (Art. 20-2, 20-3), so only the system admin does it.
  'partner.manage': { SYSTEM_ADMIN: 'any' },
  'facility.supervise': { SYSTEM_ADMIN: 'any', ADMIN_MANAGER: 'any', FACILITY_MANAGER: 'own-facility' },
  'system.restrict': { SYSTEM_ADMIN: 'any' },
  'account.deleteUnused': { SYSTEM_ADMIN: 'any' },
  'account.suspend': { SYSTEM_ADMIN: 'any' },
  'content.remove': { SYSTEM_ADMIN: 'any' },
  'room.content': {
    SYSTEM_ADMIN: 'member',
    ADMIN_MANAGER: 'member',
    HOSPITAL_MANAGER: 'member',
    FACILITY_MANAGER: 'member',
    USER: 'member',
  },
  'audit.read': { SYSTEM_ADMIN: 'any' },
  'fault.report': {
    SYSTEM_ADMIN: 'any',
    ADMIN_MANAGER: 'any',
    HOSPITAL_MANAGER: 'any',
    FACILITY_MANAGER: 'any',
    USER: 'any',
  },
  'fault.forward': { FACILITY_MANAGER: 'own-facility' },
  'fault.respond': { SYSTEM_ADMIN: 'any' },
  // Not in the brief's table. The request reaches the network through the city or a core
  // hospital; the system admin supplies the usage status (appendix 5), so only it produces.
  'disclosure.record': { SYSTEM_ADMIN: 'any', ADMIN_MANAGER: 'any', HOSPITAL_MANAGER: 'any' },
  'disclosure.produce': { SYSTEM_ADMIN: 'any' },
  // Not in the brief's table: operating the exchange's delivery is the system admin's, who sends the Art. 20-3 requests.
  'exchange.deadLetters': { SYSTEM_ADMIN: 'any' },
  // Break-glass (MHLW safety guideline 6.0): emergency access is unusable in normal times and declared by the system admin alone.
  'emergency.declare': { SYSTEM_ADMIN: 'any' },
};

export function grantOf(role: Role, operation: Operation): Grant | undefined {
  return permissionTable[operation][role];
}

/** Facts about the target that grants depend on; omitted facts count as "no". */
export interface TargetFacts {
  facilityId?: string | null;
  isMember?: boolean;
}

export function can(
  principal: Pick<UserPrincipal, 'role' | 'facilityId'>,
  operation: Operation,
  target: TargetFacts = {},
): boolean {
  const grant = grantOf(principal.role, operation);
  switch (grant) {
    case 'any':
    case 'forward':
      return true;
    case 'own-facility':
      return target.facilityId != null && target.facilityId === principal.facilityId;
    case 'member':
      return target.isMember === true;
    default:
      return false;
  }
}
