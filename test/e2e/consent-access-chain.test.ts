// Consent's access records are hash-chained: verifyConsentAccessChain finds
// a record altered straight in the database, even by someone who can switch
// off the append-only trigger.
import { graphql } from '../support/graphql-client';
import { registeredSubject } from '../support/directory-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { actorWithRole, type Actor } from '../support/actors';

const recordConsent = `mutation($input: ConsentInput!) { recordConsent(input: $input) { subject { consentStatus consentHistory { state } } } }`;
const verify = '{ verifyConsentAccessChain { ok records brokenAt reason } }';

describe('consent access chain', () => {
  let t: TestSystem;
  let admin: Actor;
  let user: Actor;
  beforeAll(async () => {
    t = await startTestSystem();
    admin = await actorWithRole(t, 'SYSTEM_ADMIN');
    user = await actorWithRole(t, 'USER');
  });
  afterAll(() => t.stop());

  it('verifies an intact chain, and reports the first altered record after a direct UPDATE', async () => {
    for (let i = 0; i < 3; i += 1) {
      const input = {
        subjectId: await registeredSubject(t, undefined, user),
        explanation: { explainedOn: '2025-04-01' },
        signature: { signedBy: 'SUBJECT', signedOn: '2025-04-01' },
        purposes: ['PROVIDE_SERVICES'],
      };
      const response = await graphql(t.graphqlUrl, recordConsent, { input }, user.headers);
      expect(response.errors).toBeUndefined();
    }
    const records = await t.db.prisma.consentAccessRecord.findMany({ orderBy: { seq: 'asc' } });
    // Each grant: its WRITE, then the READs of consentStatus and consentHistory.
    expect(records.map((r) => r.action)).toEqual([
      'WRITE',
      'READ',
      'READ',
      'WRITE',
      'READ',
      'READ',
      'WRITE',
      'READ',
      'READ',
    ]);

    const intact = await graphql(t.graphqlUrl, verify, {}, admin.headers);
    expect(intact.data?.verifyConsentAccessChain).toEqual({
      ok: true,
      records: records.length,
      brokenAt: null,
      reason: null,
    });

    // The trigger refuses changes; an attacker with DDL rights switches it off first.
    await expect(
      t.db.prisma.$executeRawUnsafe(`UPDATE consent.access_record SET outcome = 'X' WHERE seq = ${records[4]!.seq}`),
    ).rejects.toThrow();
    const target = records[4]!;
    await t.db.prisma.$executeRawUnsafe(
      'ALTER TABLE consent.access_record DISABLE TRIGGER access_record_no_update_or_delete',
    );
    await t.db.prisma.$executeRawUnsafe(`UPDATE consent.access_record SET action = 'WRITE' WHERE seq = ${target.seq}`);
    await t.db.prisma.$executeRawUnsafe(
      'ALTER TABLE consent.access_record ENABLE TRIGGER access_record_no_update_or_delete',
    );

    const broken = await graphql(t.graphqlUrl, verify, {}, admin.headers);
    expect(broken.data?.verifyConsentAccessChain).toEqual({
      ok: false,
      records: 4,
      brokenAt: target.seq.toString(),
      reason: 'HASH_MISMATCH',
    });
  });
});
