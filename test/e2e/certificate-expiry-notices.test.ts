// Issue 15: the people the certificate expiry job warns read their notices
// through the gateway (Query.certificateExpiryNotices), and nobody else
// sees them: the facility manager of the holder's facility and the system
// administrators do, another facility's manager does not, and an anonymous
// caller is refused.
import { randomUUID } from 'node:crypto';
import { warnOfExpiringCertificates } from '../../subgraphs/identity';
import { actorWithRole } from '../support/actors';
import { graphql } from '../support/graphql-client';
import { startTestSystem, type TestSystem } from '../support/test-system';

const query = `{ certificateExpiryNotices { kind thresholdDays fingerprint notAfter certificate { id label facility { id } } } }`;

describe('certificate expiry notices in the graph', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ workers: false });
  });
  afterAll(() => t.stop());

  it('shows a notice to its recipients only', async () => {
    const admin = await actorWithRole(t, 'SYSTEM_ADMIN');
    const manager = await actorWithRole(t, 'FACILITY_MANAGER');
    const otherManager = await actorWithRole(t, 'FACILITY_MANAGER');
    const certificateId = randomUUID();
    const notAfter = new Date(Date.now() + 10 * 24 * 60 * 60 * 1000);
    await t.db.prisma.clientCertificate.create({
      data: {
        id: certificateId,
        fingerprint: 'c'.repeat(64),
        serialNumber: randomUUID().replace(/-/g, ''),
        facilityId: manager.facilityId,
        label: 'reception PC',
        notAfter,
        issuedBy: admin.userId,
      },
    });
    const written = await warnOfExpiringCertificates(t.db.prisma, {
      now: new Date(),
      thresholdsDays: [30, 7],
      watched: [],
    });
    expect(written).toEqual([expect.objectContaining({ kind: 'TERMINAL', thresholdDays: 30 })]);

    const expected = {
      kind: 'TERMINAL',
      thresholdDays: 30,
      fingerprint: 'c'.repeat(64),
      notAfter: notAfter.toISOString(),
      certificate: { id: certificateId, label: 'reception PC', facility: { id: manager.facilityId } },
    };
    for (const reader of [admin, manager]) {
      const answer = await graphql(t.graphqlUrl, query, {}, reader.headers);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.certificateExpiryNotices).toEqual([expected]);
    }
    const other = await graphql(t.graphqlUrl, query, {}, otherManager.headers);
    expect(other.data?.certificateExpiryNotices).toEqual([]);
    const anonymous = await graphql(t.graphqlUrl, query);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
