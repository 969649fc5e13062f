import {
  auditEventCanonicalForm,
  auditEventHash,
  chainAuditEvents,
  genesisHash,
  stableJson,
} from './audit-event-chain';

const facts = {
  at: new Date('2026-12-06T01:02:03.456Z'),
  action: 'user.suspend',
  outcome: 'SUCCESS',
  actorId: '00000000-0000-4000-8000-000000000001',
  actorRole: 'SYSTEM_ADMIN',
  certificate: null,
  address: '192.0.2.1',
  targetType: 'User',
  targetId: '00000000-0000-4000-8000-000000000002',
  details: { reason: 'violation', sessions: 2 },
};

describe("identity's audit event chain", () => {
  it('hashes the same content the same whatever order the details’ keys come back in', () => {
    const reordered = { ...facts, details: { sessions: 2, reason: 'violation' } };
    expect(auditEventHash(reordered, genesisHash)).toBe(auditEventHash(facts, genesisHash));
    expect(stableJson({ b: [1, { d: null, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
  });

  it('changes the hash for any change of a field or of the link', () => {
    const base = auditEventHash(facts, genesisHash);
    const changes = [
      { ...facts, at: new Date('2026-12-06T01:02:03.457Z') },
      { ...facts, action: 'user.reinstate' },
      { ...facts, outcome: 'DENIED' },
      { ...facts, actorId: null },
      { ...facts, actorRole: 'USER' },
      { ...facts, certificate: 'ab' },
      { ...facts, address: null },
      { ...facts, targetType: null },
      { ...facts, targetId: null },
      { ...facts, details: { reason: 'violation', sessions: 3 } },
    ];
    for (const changed of changes) expect(auditEventHash(changed, genesisHash)).not.toBe(base);
    expect(auditEventHash(facts, 'f'.repeat(64))).not.toBe(base);
    // A null field and an absent value are not confused with the text "null".
    expect(auditEventCanonicalForm({ ...facts, targetId: 'null' }, genesisHash)).not.toBe(
      auditEventCanonicalForm({ ...facts, targetId: null }, genesisHash),
    );
  });

  it('chains a batch in order, each row linking to the one before it', () => {
    const rows = chainAuditEvents([facts, { ...facts, action: 'session.endAll' }], genesisHash);
    expect(rows[0]!.prevHash).toBe(genesisHash);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[1]!.hash).toBe(auditEventHash(rows[1]!, rows[0]!.hash));
  });
});
