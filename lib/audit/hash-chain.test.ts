import { createHash } from 'node:crypto';
import { chainHash, genesisHash, verifyChain, type AccessFacts, type ChainedRecord } from './hash-chain';

function chain(facts: AccessFacts[]): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  let prev = genesisHash;
  facts.forEach((f, i) => {
    const hash = chainHash(f, prev);
    records.push({ ...f, seq: BigInt(i + 1), prevHash: prev, hash });
    prev = hash;
  });
  return records;
}

const fact = (what: string, at = '2026-11-25T00:00:00Z'): AccessFacts => ({
  at: new Date(at),
  actorId: '0a921851-8bf2-4d1d-8a04-d58560765d90',
  actorRole: 'USER',
  subjectId: '1b921851-8bf2-4d1d-8a04-d58560765d90',
  roomId: null,
  action: 'READ',
  what,
  outcome: 'SUCCESS',
});

describe('access record hash chain', () => {
  const records = chain([fact('timeline'), fact('post'), fact('consent')]);

  it('verifies an untouched chain', () => {
    expect(verifyChain(records)).toEqual({ ok: true, records: 3 });
    expect(verifyChain([])).toEqual({ ok: true, records: 0 });
  });

  it('detects a changed record', () => {
    const changed = records.map((r) => (r.seq === 2n ? { ...r, what: 'nothing' } : r));
    expect(verifyChain(changed)).toEqual({ ok: false, brokenAt: 2n, reason: 'hash-mismatch' });
    const changedTime = records.map((r) => (r.seq === 1n ? { ...r, at: new Date('2026-11-24T00:00:00Z') } : r));
    expect(verifyChain(changedTime)).toEqual({ ok: false, brokenAt: 1n, reason: 'hash-mismatch' });
  });

  it('detects a removed or reordered record', () => {
    expect(verifyChain([records[0]!, records[2]!])).toEqual({ ok: false, brokenAt: 3n, reason: 'link-mismatch' });
    expect(verifyChain([records[1]!, records[0]!, records[2]!])).toEqual({
      ok: false,
      brokenAt: 2n,
      reason: 'link-mismatch',
    });
  });

  it('detects a record rewritten with a recomputed hash, by the next link', () => {
    const forged = { ...records[1]!, what: 'nothing' };
    forged.hash = chainHash(forged, forged.prevHash);
    expect(verifyChain([records[0]!, forged, records[2]!])).toEqual({
      ok: false,
      brokenAt: 3n,
      reason: 'link-mismatch',
    });
  });

  describe('the emergency access id (break-glass)', () => {
    const emergencyAccessId = '2c921851-8bf2-4d1d-8a04-d58560765d90';

    it('hashes a record without one exactly as before the field existed', () => {
      // The canonical form before the field was added: nine fields, nothing after the outcome.
      const f = fact('timeline');
      const before = createHash('sha256')
        .update(
          JSON.stringify([
            genesisHash,
            f.at.toISOString(),
            f.actorId,
            f.actorRole,
            f.subjectId,
            f.roomId,
            f.action,
            f.what,
            f.outcome,
          ]),
        )
        .digest('hex');
      expect(chainHash(f, genesisHash)).toBe(before);
      expect(chainHash({ ...fact('timeline'), emergencyAccessId: null }, genesisHash)).toBe(before);
      expect(chainHash({ ...fact('timeline'), emergencyAccessId: undefined }, genesisHash)).toBe(before);
    });

    it('covers it when set: removing or changing it breaks the record', () => {
      const flagged = chain([fact('timeline'), { ...fact('timeline'), emergencyAccessId }, fact('members')]);
      expect(verifyChain(flagged)).toEqual({ ok: true, records: 3 });
      const unflagged = flagged.map((r) => (r.seq === 2n ? { ...r, emergencyAccessId: null } : r));
      expect(verifyChain(unflagged)).toEqual({ ok: false, brokenAt: 2n, reason: 'hash-mismatch' });
      const moved = flagged.map((r) => (r.seq === 1n ? { ...r, emergencyAccessId } : r));
      expect(verifyChain(moved)).toEqual({ ok: false, brokenAt: 1n, reason: 'hash-mismatch' });
    });
  });
});
