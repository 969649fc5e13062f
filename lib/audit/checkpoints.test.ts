import { generateKeyPairSync } from 'node:crypto';
import { compareWithCheckpoints, readCheckpoints, signHead, type Checkpoint } from './checkpoints';

const privateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const checkpoint = (seq: number, hash: string, records: number, at = '2026-12-06T00:00:00.000Z'): Checkpoint =>
  signHead({ trail: 'identity', seq: String(seq), hash, records, at }, privateKeyPem);

async function* walk(records: Array<[number, string]>) {
  for (const [seq, hash] of records) yield { seq: BigInt(seq), hash };
}

describe('compareWithCheckpoints', () => {
  const chain: Array<[number, string]> = [
    [1, 'a'],
    [2, 'b'],
    [3, 'c'],
  ];

  it('agrees when several checkpoints sign the same head (nothing recorded between two runs)', async () => {
    const signed = [checkpoint(1, 'a', 1), checkpoint(1, 'a', 1, '2026-12-06T00:05:00.000Z'), checkpoint(3, 'c', 3)];
    expect(await compareWithCheckpoints(signed, walk(chain))).toEqual({ ok: true, checkpoints: 3, records: 3 });
  });

  it('names the first checkpoint a changed record no longer agrees with', async () => {
    const signed = [checkpoint(2, 'b', 2), checkpoint(3, 'c', 3)];
    const verdict = await compareWithCheckpoints(
      signed,
      walk([
        [1, 'a'],
        [2, 'B'],
        [3, 'c'],
      ]),
    );
    expect(verdict).toMatchObject({ ok: false, checkpoint: { seq: '2' } });
    expect(verdict.ok || verdict.problem).toBe(
      'record 2 differs from the checkpoint signed at 2026-12-06T00:00:00.000Z (the chain agrees with the checkpoints up to seq 0)',
    );
  });

  it('finds a signed record missing from the middle or the end', async () => {
    expect(
      await compareWithCheckpoints(
        [checkpoint(2, 'b', 2)],
        walk([
          [1, 'a'],
          [3, 'c'],
        ]),
      ),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining('record 2, signed at'),
    });
    expect(await compareWithCheckpoints([checkpoint(3, 'c', 3)], walk(chain.slice(0, 2)))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('the chain ends before it'),
    });
  });

  it('reads back only lines of its trail signed with its key', () => {
    const publicKey = generateKeyPairSync('ed25519').publicKey;
    const line = JSON.stringify(checkpoint(1, 'a', 1));
    expect(readCheckpoints(line, 'identity', publicKey)).toEqual([
      { ok: false, line: 1, problem: expect.stringContaining('signature does not match') },
    ]);
    expect(readCheckpoints(line, 'rooms', publicKey)).toEqual([
      { ok: false, line: 1, problem: 'not a checkpoint of the rooms trail' },
    ]);
  });
});
