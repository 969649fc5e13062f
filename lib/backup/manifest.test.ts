import { BackupError } from './backup-error';
import { countDifferences, parseManifest, unknownMigrations } from './manifest';

describe('the backup manifest', () => {
  it('names each table whose restored count differs, and a table only one side has', () => {
    expect(countDifferences({ 'rooms.Post': 3, 'identity.User': 2 }, { 'rooms.Post': 3, 'identity.User': 2 })).toEqual(
      [],
    );
    expect(
      countDifferences({ 'rooms.Post': 12, 'identity.User': 2 }, { 'rooms.Post': 11, 'consent.Consent': 0 }),
    ).toEqual([
      'consent.Consent: absent in the archive, 0 restored',
      'identity.User: 2 in the archive, absent restored',
      'rooms.Post: 12 in the archive, 11 restored',
    ]);
  });

  it('names the migrations of a newer version', () => {
    expect(unknownMigrations(['a_init', 'b_rooms', 'c_future'], ['a_init', 'b_rooms'])).toEqual(['c_future']);
    expect(unknownMigrations(['a_init'], ['a_init', 'b_rooms'])).toEqual([]);
  });

  it('refuses a manifest that is not JSON, or names a member outside the known places', () => {
    expect(() => parseManifest('{')).toThrow(BackupError);
    const escaping = {
      format: 1,
      createdAt: 'x',
      app: { name: 'renkei', version: '0.1.0' },
      database: { serverVersion: '15', pgDumpVersion: '15', migrations: [], tables: {} },
      members: [{ name: 'files/ca/../../etc/passwd', size: 1, mode: 0o644, sha256: '0'.repeat(64) }],
    };
    expect(() => parseManifest(JSON.stringify(escaping))).toThrow(/members\.0\.name/);
  });
});
