import { groupCommit } from './group-commit';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('groupCommit', () => {
  it('writes the first item alone, then everything that arrived meanwhile as one batch, in order', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const commit = groupCommit<number>(async (batch) => {
      batches.push(batch);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = commit(1);
    const rest = [commit(2), commit(3), commit(4)];
    await tick();
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every caller of a failed batch, and only those', async () => {
    let calls = 0;
    const commit = groupCommit<string>(async (batch) => {
      calls += 1;
      await tick();
      if (batch.includes('bad')) throw new Error('refused');
    });
    const first = commit('ok');
    const second = commit('bad');
    const third = commit('also in the bad batch');
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('refused');
    await expect(third).rejects.toThrow('refused');
    await expect(commit('later')).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });

  it('caps a batch', async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const commit = groupCommit<number>(async (batch) => {
      sizes.push(batch.length);
      if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 2);
    const all = [commit(0), commit(1), commit(2), commit(3), commit(4)];
    await tick();
    release();
    await Promise.all(all);
    expect(sizes).toEqual([1, 2, 2]);
  });
});
