// What a refused caller reads: what it tried, in words, and who may do it or
// on what condition, never the permission table's internal name. Derived
// from the same table `can` reads (permissions.ts), so the message cannot
// drift from the rule.
import { grantOf, permissionTable, type Operation } from './permissions';
import { roles, type Role } from './principal';

const doing: Record<Operation, string> = {
  'facility.submit': "submit a facility's Forms 1–3 (registration, change, stop)",
  'facility.forward': 'forward a facility application',
  'facility.decide': 'approve or reject a facility application',
  'user.submit': "submit a user's Forms 4–5 (registration, change, retirement)",
  'user.decide': 'approve or reject a user application, or reset a password',
  'certificate.issue': 'issue or revoke terminal certificates',
  'room.submit': 'submit a room application (Forms 8–10)',
  'room.confirm': 'confirm a room application',
  'room.decide': 'approve or reject a room application, or open or close a room',
  'partner.registerInboundUser': "decide a partner system's join request",
  'partner.requestOutboundJoin': 'send a join request to a partner system',
  'partner.forwardOutboundJoin': 'forward a join request to a partner system',
  'partner.askOutboundJoin': "ask to join a partner system's room",
  'partner.manage': 'manage the partner registry',
  'facility.supervise': "see facilities' applications and users",
  'system.restrict': 'restrict the service (Art. 23-1)',
  'account.deleteUnused': 'delete unused accounts (Art. 23-2)',
  'account.suspend': 'suspend or reinstate accounts (Art. 23-3)',
  'content.remove': 'remove content (Art. 23-4)',
  'room.content': "read or write this room's content",
  'audit.read': 'read the audit trail',
  'fault.report': 'report a fault',
  'fault.forward': 'forward a fault report',
  'fault.respond': 'respond to a fault report',
  'disclosure.record': 'record a disclosure request',
  'disclosure.produce': 'produce a disclosure report',
  'exchange.deadLetters': "see and re-drive the exchange's dead letters",
};

const roleNames: Record<Role, string> = {
  SYSTEM_ADMIN: 'the system administrator',
  ADMIN_MANAGER: 'an administrative manager',
  HOSPITAL_MANAGER: 'a core-hospital manager',
  FACILITY_MANAGER: 'a facility manager',
  USER: 'a user',
};

/** What to do instead, where the regulations give another way (paper forms recorded on a facility's behalf). */
const otherWays: Partial<Record<Operation, Partial<Record<Role, string>>>> = {
  'facility.submit': {
    SYSTEM_ADMIN: 'to record a paper form a facility sent in, give its facility id as onPaperFor',
    ADMIN_MANAGER: 'to record a paper form a facility sent in, give its facility id as onPaperFor',
  },
  'user.submit': {
    SYSTEM_ADMIN: 'to record a paper form a facility sent in, give its facility id as onPaperFor',
    ADMIN_MANAGER: 'to record a paper form a facility sent in, give its facility id as onPaperFor',
  },
};

function holders(operation: Operation): string {
  const names = roles.filter((role) => permissionTable[operation][role]).map((role) => roleNames[role]);
  if (names.length <= 1) return names[0] ?? 'no role';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** One sentence for a refusal of `operations` (any of which would have done) to `role`. */
export function refusalMessage(role: Role, operations: readonly Operation[]): string {
  const [operation] = operations;
  if (!operation) return 'not allowed';
  const what = operations.map((o) => doing[o]).join(', or ');
  const grant = grantOf(role, operation);
  if (grant === 'own-facility') return `you may ${doing[operation]} only for your own facility`;
  if (grant === 'member') return `only members of the room may ${doing[operation]}`;
  const instead = otherWays[operation]?.[role];
  const sentence = `${roleNames[role]} may not ${what}: ${holders(operation)} may`;
  return instead ? `${sentence}; ${instead}` : sentence;
}

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(doing, name);
}
