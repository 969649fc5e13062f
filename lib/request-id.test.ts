import { currentRequestId, requestIdFrom, wellFormedRequestId, withRequestId } from './request-id';

const uuid = '0b6f3c1e-8a2d-4f7e-9c3b-1d2e3f4a5b6c';

describe('request ids', () => {
  it('keeps a well-formed incoming id (lower case) and replaces anything else with a fresh UUID', () => {
    expect(requestIdFrom(uuid.toUpperCase())).toBe(uuid);
    for (const bad of [undefined, '', 'Taro Yamada', `${uuid}\nforged line`, 'x'.repeat(5000), [uuid, uuid]]) {
      const id = requestIdFrom(bad);
      expect(wellFormedRequestId(id)).toBe(id);
      expect(id).not.toBe(bad);
    }
  });

  it('is the current request id inside withRequestId, across awaits, and none outside', async () => {
    expect(currentRequestId()).toBeUndefined();
    await withRequestId(uuid, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentRequestId()).toBe(uuid);
    });
    expect(currentRequestId()).toBeUndefined();
  });
});
