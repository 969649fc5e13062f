// Art. 20-3, the other side of issue 10 part 6: a partner (this software
// included) may show a suspended CareTeam by its status alone, without
// participants. Our sync must read that as "suspended", not as our user
// removed: the membership stays ACTIVE with roomStatus suspended, and ends
// only when the partner closes the room or, once active again, no longer
// lists our user.
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import type { Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import { approvedRequest, ourClientId } from '../support/mock-partner-fixtures';
import { startOutboundTestbed, type OutboundTestbed } from '../support/outbound-testbed';
import type { TestSystem } from '../support/test-system';

describe('a partner’s status-only suspended CareTeam (Art. 20-3)', () => {
  let t: TestSystem;
  let partner: MockPartner;
  let partnerId: string;
  let bed: OutboundTestbed<MockPartner>;
  let user: Actor;
  let fm: Actor;
  let sa: Actor;

  beforeAll(async () => {
    bed = await startOutboundTestbed({
      partner: (tls, _ca, system) =>
        startMockPartner({ tls, ourJwk: system.system.exchange.key.publicJwk, ourClientId }),
      partnerCalls: { timeoutMs: 2_000, poll: { firstDelayMs: 150, maxDelayMs: 400 }, syncStaleMs: 0 },
      retry: { attempts: 4, baseDelayMs: 200, maxDelayMs: 600 },
      every: { 'external-room-sync': 300 },
    });
    ({ t, partner, partnerId } = bed);
    ({ user, fm, sa } = bed.actors);
  });
  afterAll(() => bed?.stop());

  it('keeps the membership through a suspension without participants, and ends it when the room closes', async () => {
    const id = await approvedRequest(t.graphqlUrl, { user, fm, sa }, partnerId, `share-${Date.now().toString(36)}`);
    await eventually(
      () => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } }),
      (r) => r.exchangeStatus === 'RECEIVED',
      15_000,
    );
    const systems = ourIdentifierSystems(t.system.exchange.fhirBaseUrl);
    partner.careTeams.set('team-s', {
      status: 'active',
      participants: [{ system: systems.user, value: user.userId, display: 'USER' }],
    });
    Object.assign(partner.taskFor(id)!, { status: 'completed', careTeamId: 'team-s' });
    await eventually(
      () => t.db.prisma.externalMembership.findUnique({ where: { requestId: id } }),
      (m) => m?.lastSyncedAt != null,
      15_000,
    );
    const membership = () => t.db.prisma.externalMembership.findUniqueOrThrow({ where: { requestId: id } });

    partner.careTeams.set('team-s', { status: 'suspended', participants: [] });
    const suspended = await eventually(membership, (m) => m.roomStatus === 'suspended' || m.status === 'ENDED');
    expect(suspended).toMatchObject({ status: 'ACTIVE', roomStatus: 'suspended', endedReason: null });
    // Several more syncs of the same answer change nothing.
    const reads = partner.reads.length;
    await eventually(
      async () => partner.reads.length,
      (n) => n >= reads + 2,
    );
    expect(await membership()).toMatchObject({ status: 'ACTIVE', roomStatus: 'suspended' });

    partner.careTeams.set('team-s', { status: 'inactive', participants: [] });
    const ended = await eventually(membership, (m) => m.status === 'ENDED');
    expect(ended).toMatchObject({ status: 'ENDED', endedReason: 'ROOM_CLOSED', roomStatus: 'inactive' });
  });
});
