// Walks every role x operation and compares the permission table with the
// table "Who may do what" in the project's access rules (docs/access-rules.md),
// read from the file itself so the two cannot drift apart silently.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../repo-paths';
import { can, grantOf, operations, permissionTable, type Grant, type Operation } from './permissions';
import { roles, type Role } from './principal';

const rulesPath = path.join(repoRoot, 'docs', 'access-rules.md');

/** The table's rows, by the start of their capability text, and the operations each covers. */
const rows: Array<{
  capability: string;
  ops: Partial<Record<'decide' | 'forward' | 'submit', Operation>> & { decide: Operation };
}> = [
  {
    capability: 'register / change / stop facilities',
    ops: { decide: 'facility.decide', forward: 'facility.forward', submit: 'facility.submit' },
  },
  { capability: 'issue / change account IDs', ops: { decide: 'user.decide', submit: 'user.submit' } },
  { capability: 'send certificate install instructions', ops: { decide: 'certificate.issue' } },
  { capability: 'open / close rooms', ops: { decide: 'room.decide', forward: 'room.confirm', submit: 'room.submit' } },
  { capability: "register a partner system's user", ops: { decide: 'partner.registerInboundUser' } },
  {
    capability: 'ask a partner system to add our user',
    ops: {
      decide: 'partner.requestOutboundJoin',
      forward: 'partner.forwardOutboundJoin',
      submit: 'partner.askOutboundJoin',
    },
  },
  { capability: 'guide and supervise facilities', ops: { decide: 'facility.supervise' } },
  { capability: 'restrict all or part of the system', ops: { decide: 'system.restrict' } },
  { capability: 'delete long-unused accounts', ops: { decide: 'account.deleteUnused' } },
  { capability: 'suspend use / delete accounts', ops: { decide: 'account.suspend' } },
  { capability: 'delete content that breaks the rules', ops: { decide: 'content.remove' } },
  { capability: 'read and write room content', ops: { decide: 'room.content' } },
  { capability: 'declare, end and review an emergency access', ops: { decide: 'emergency.declare' } },
];

/** What each phrase used in the table's cells means, as (which operation of the row, which grant). */
function meaning(cell: string): { op: 'decide' | 'forward' | 'submit'; grant: Grant } | null {
  if (cell === '–' || cell === '-' || cell === 'receives them') return null;
  if (/^yes\b/.test(cell)) return { op: 'decide', grant: 'any' };
  if (/^members\b/.test(cell)) return { op: 'decide', grant: 'member' };
  if (/^own users$/.test(cell)) return { op: 'decide', grant: 'own-facility' };
  if (/^forward only$/.test(cell)) return { op: 'forward', grant: 'forward' };
  if (/^confirm and forward$|^forwards the user's wish$/.test(cell)) return { op: 'forward', grant: 'own-facility' };
  if (/^submit \(own (facility|staff)\)$/.test(cell)) return { op: 'submit', grant: 'own-facility' };
  if (/^submit$|^asks via FACILITY_MANAGER$/.test(cell)) return { op: 'submit', grant: 'any' };
  throw new Error(`the access rules use a phrase this test does not know: "${cell}"`);
}

function briefTable(): Map<string, Record<Role, string>> {
  const text = fs.readFileSync(rulesPath, 'utf8');
  const section = text.slice(text.indexOf('## Who may do what'));
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const header = lines[0]!
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());
  const table = new Map<string, Record<Role, string>>();
  for (const line of lines.slice(2)) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const byRole = Object.fromEntries(header.slice(1).map((role, i) => [role, cells[i + 1]])) as Record<Role, string>;
    table.set(cells[0]!, byRole);
  }
  return table;
}

describe('permission table', () => {
  const brief = briefTable();

  it('reads the access rules table with one column per role', () => {
    expect(brief.size).toBeGreaterThanOrEqual(rows.length);
    for (const byRole of brief.values()) expect(Object.keys(byRole).sort()).toEqual([...roles].sort());
  });

  for (const row of rows) {
    for (const role of roles) {
      it(`${role}: ${row.capability}`, () => {
        const entry = [...brief.entries()].find(([capability]) => capability.startsWith(row.capability));
        if (!entry) throw new Error(`the access rules have no row starting "${row.capability}"`);
        const expected = meaning(entry[1][role]);
        for (const [which, operation] of Object.entries(row.ops) as Array<
          ['decide' | 'forward' | 'submit', Operation]
        >) {
          const want = expected && expected.op === which ? expected.grant : undefined;
          expect({ operation, grant: grantOf(role, operation) }).toEqual({ operation, grant: want });
        }
      });
    }
  }

  it('covers every operation; beyond the table only the audit trail, the Art. 22 fault flow and appendix 5 disclosure, as the access rules describe them', () => {
    const covered = new Set(rows.flatMap((r) => Object.values(r.ops)));
    expect(operations.filter((op) => !covered.has(op))).toEqual([
      'partner.manage',
      'audit.read',
      'fault.report',
      'fault.forward',
      'fault.respond',
      'disclosure.record',
      'disclosure.produce',
      'exchange.deadLetters',
    ]);
    expect(permissionTable['audit.read']).toEqual({ SYSTEM_ADMIN: 'any' });
    // The partner registry opens the network to another organization: the system admin's alone.
    expect(permissionTable['partner.manage']).toEqual({ SYSTEM_ADMIN: 'any' });
    // "A USER reports an anomaly via the FACILITY_MANAGER to the SYSTEM_ADMIN, who investigates and records the response."
    expect(Object.keys(permissionTable['fault.report']).sort()).toEqual([...roles].sort());
    expect(permissionTable['fault.forward']).toEqual({ FACILITY_MANAGER: 'own-facility' });
    expect(permissionTable['fault.respond']).toEqual({ SYSTEM_ADMIN: 'any' });
    // Appendix 5: "the SYSTEM_ADMIN must promptly supply the usage status"; the city's and core hospitals' managers may take the request down.
    expect(permissionTable['disclosure.produce']).toEqual({ SYSTEM_ADMIN: 'any' });
    expect(permissionTable['disclosure.record']).toEqual({
      SYSTEM_ADMIN: 'any',
      ADMIN_MANAGER: 'any',
      HOSPITAL_MANAGER: 'any',
    });
    // The exchange's dead letters: the system admin, who sends the Art. 20-3 requests, operates their delivery.
    expect(permissionTable['exchange.deadLetters']).toEqual({ SYSTEM_ADMIN: 'any' });
  });
});

describe('can', () => {
  const manager = { role: 'FACILITY_MANAGER' as const, facilityId: 'f-1' };
  it('limits own-facility grants to the principal facility', () => {
    expect(can(manager, 'facility.submit', { facilityId: 'f-1' })).toBe(true);
    expect(can(manager, 'facility.submit', { facilityId: 'f-2' })).toBe(false);
    expect(can(manager, 'facility.submit')).toBe(false);
  });
  it('limits room content to members, whatever the role', () => {
    for (const role of roles) {
      expect(can({ role, facilityId: 'f' }, 'room.content', { isMember: false })).toBe(false);
      expect(can({ role, facilityId: 'f' }, 'room.content', { isMember: true })).toBe(true);
    }
  });
  it('denies what the table does not grant', () => {
    expect(can({ role: 'USER', facilityId: 'f' }, 'system.restrict')).toBe(false);
    expect(can({ role: 'HOSPITAL_MANAGER', facilityId: 'f' }, 'facility.decide')).toBe(false);
  });
});
