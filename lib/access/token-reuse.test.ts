import type { Principal } from './principal';
import { reusingSigner } from './token-reuse';

const alice = { kind: 'service', service: 'gateway' } as unknown as Principal;

function counting() {
  let signatures = 0;
  const sign = async (principal: Principal) => `token-${++signatures}-${JSON.stringify(principal)}`;
  return { sign, count: () => signatures };
}

describe('reusing the internal token of a principal handed out again', () => {
  it('signs once for the same principal object within the second, again after it', async () => {
    let clock = 1_000;
    const { sign, count } = counting();
    const reuse = reusingSigner(sign, 1000, () => clock);
    const first = await reuse(alice);
    clock += 999;
    expect(await reuse(alice)).toBe(first);
    expect(count()).toBe(1);
    clock += 1;
    expect(await reuse(alice)).not.toBe(first);
    expect(count()).toBe(2);
  });

  it('never reuses across objects, even equal ones: a principal resolved anew gets its own token', async () => {
    const { sign, count } = counting();
    const reuse = reusingSigner(sign, 1000, () => 0);
    await reuse(alice);
    await reuse({ ...alice } as Principal);
    expect(count()).toBe(2);
  });

  it('caps the reuse at one second whatever it is given, and keeps no failed signature', async () => {
    let clock = 0;
    let fail = true;
    let signatures = 0;
    const reuse = reusingSigner(
      async () => {
        signatures += 1;
        if (fail) throw new Error('no key');
        return `token-${signatures}`;
      },
      60_000,
      () => clock,
    );
    await expect(reuse(alice)).rejects.toThrow('no key');
    fail = false;
    const token = await reuse(alice);
    expect(token).toBe('token-2');
    clock += 1000;
    expect(await reuse(alice)).toBe('token-3');
  });
});
