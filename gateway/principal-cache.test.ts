import type { PrincipalEpoch } from '../lib/access/principal-epoch';
import { createPrincipalCache } from './principal-cache';

function fakeEpoch(): PrincipalEpoch & { value: string | null } {
  const epoch = {
    value: '0' as string | null,
    current: async () => epoch.value,
    bump: async () => {
      epoch.value = String(Number(epoch.value) + 1);
    },
  };
  return epoch;
}

describe('the gateway’s principal cache', () => {
  let clock = 0;
  let asked = 0;
  const accepted =
    (value: string, expiresAt: number | null = null) =>
    async () => {
      asked += 1;
      return { accepted: true, value, expiresAt };
    };
  beforeEach(() => {
    clock = 1_000_000;
    asked = 0;
  });

  it('reuses an accepted answer while the epoch stands, for at most the TTL', async () => {
    const cache = createPrincipalCache<string>({ epoch: fakeEpoch(), ttlMs: 1000, now: () => clock });
    expect(await cache.resolve('k', accepted('a'))).toBe('a');
    clock += 999;
    expect(await cache.resolve('k', accepted('b'))).toBe('a');
    clock += 1;
    expect(await cache.resolve('k', accepted('c'))).toBe('c');
    expect(asked).toBe(2);
    expect(cache.stats()).toEqual({ hits: 1, misses: 2, entries: 1 });
  });

  it('asks again at once after identity moves the epoch on', async () => {
    const epoch = fakeEpoch();
    const cache = createPrincipalCache<string>({ epoch, ttlMs: 1000, now: () => clock });
    await cache.resolve('k', accepted('before'));
    await epoch.bump();
    expect(await cache.resolve('k', accepted('after'))).toBe('after');
  });

  it('keeps the epoch read before asking: a change during the question leaves the answer stale', async () => {
    const epoch = fakeEpoch();
    const cache = createPrincipalCache<string>({ epoch, ttlMs: 1000, now: () => clock });
    await cache.resolve('k', async () => {
      await epoch.bump(); // committed while identity was answering
      return { accepted: true, value: 'racing', expiresAt: null };
    });
    expect(await cache.resolve('k', accepted('fresh'))).toBe('fresh');
  });

  it('never reuses past the session’s own expiry, a refusal, or anything while Redis cannot say', async () => {
    const epoch = fakeEpoch();
    const cache = createPrincipalCache<string>({ epoch, ttlMs: 1000, now: () => clock });
    await cache.resolve('expiring', accepted('a', clock + 10));
    clock += 10;
    expect(await cache.resolve('expiring', accepted('b'))).toBe('b');

    const refuse = async () => ({ accepted: false, value: 'refused', expiresAt: null });
    await cache.resolve('refused', refuse);
    expect(await cache.resolve('refused', accepted('ok'))).toBe('ok');

    epoch.value = null;
    await cache.resolve('away', accepted('x'));
    expect(await cache.resolve('away', accepted('y'))).toBe('y');
    expect(cache.stats().entries).toBe(2);
  });

  it('holds at most a second whatever it is given, nothing at 0, and a bounded number of entries', async () => {
    const long = createPrincipalCache<string>({ epoch: fakeEpoch(), ttlMs: 60_000, now: () => clock });
    await long.resolve('k', accepted('a'));
    clock += 1000;
    expect(await long.resolve('k', accepted('b'))).toBe('b');

    const off = createPrincipalCache<string>({ epoch: fakeEpoch(), ttlMs: 0, now: () => clock });
    await off.resolve('k', accepted('a'));
    expect(await off.resolve('k', accepted('b'))).toBe('b');
    expect(off.stats()).toEqual({ hits: 0, misses: 2, entries: 0 });

    const small = createPrincipalCache<string>({ epoch: fakeEpoch(), ttlMs: 1000, maxEntries: 2, now: () => clock });
    for (const key of ['1', '2', '3']) await small.resolve(key, accepted(key));
    expect(small.stats().entries).toBe(2);
    expect(await small.resolve('1', accepted('new'))).toBe('new');
  });
});
