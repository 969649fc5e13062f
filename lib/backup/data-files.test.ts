import path from 'node:path';
import { loadConfig } from '../config';
import { dataLocations, isSecret, targetOf, wholeLines } from './data-files';

describe("where the archive's files come from and go", () => {
  it("follows the installation's settings, with init-secrets's places as defaults", () => {
    const where = dataLocations(loadConfig({ DATA_DIR: '/srv/renkei', CA_DIR: '/secrets/ca' }));
    expect(where).toEqual({
      caDir: '/secrets/ca',
      internalTokenKeyFile: '/secrets/keys/internal-token.key',
      internalTokenPublicKeyFile: '/secrets/keys/internal-token.pub',
      checkpointKeyFile: '/srv/renkei/keys/audit-checkpoint.key',
      checkpointDir: '/srv/renkei/audit-checkpoints',
      backupKeyFile: '/srv/renkei/keys/backup.key',
    });
    expect(targetOf(where, 'files/ca/exchange-ed25519.key')).toBe('/secrets/ca/exchange-ed25519.key');
    expect(targetOf(where, 'files/keys/audit-checkpoint.pub')).toBe('/srv/renkei/keys/audit-checkpoint.key.pub');
    expect(targetOf(where, 'files/audit-checkpoints/rooms.checkpoints.jsonl')).toBe(
      path.join('/srv/renkei/audit-checkpoints', 'rooms.checkpoints.jsonl'),
    );
    expect(() => targetOf(where, 'files/elsewhere/x')).toThrow(/does not know where to put/);
  });

  it('writes keys and KEKs 0600 whatever the archive says', () => {
    expect(['ca.key', 'partner-keys.kek', 'internal-token.key'].every(isSecret)).toBe(true);
    expect(['ca.crt', 'internal-token.pub', 'rooms.checkpoints.jsonl'].some(isSecret)).toBe(false);
  });

  it('keeps a checkpoint file up to its last complete line (a line being appended is left out)', () => {
    expect(wholeLines(Buffer.from('{"a":1}\n{"b":2}\n{"c"')).toString()).toBe('{"a":1}\n{"b":2}\n');
    expect(wholeLines(Buffer.from('{"a":1}\n')).toString()).toBe('{"a":1}\n');
    expect(wholeLines(Buffer.from('')).toString()).toBe('');
  });
});
