import { archiveFileName, archivePattern, generationsToPrune } from './generations';

describe('backup generations', () => {
  it('names an archive by its UTC time, so names sort as times do', () => {
    const names = ['2026-12-06T03:15:00.123Z', '2026-12-05T23:59:59.999Z', '2027-01-01T00:00:00.000Z'].map((t) =>
      archiveFileName(new Date(t)),
    );
    expect(names[0]).toBe('renkei-backup-20261206T031500123Z.rnkb');
    expect(names.every((n) => archivePattern.test(n))).toBe(true);
    expect([...names].sort()).toEqual([names[1], names[0], names[2]]);
  });

  it('prunes the oldest archives down to the number kept, and never touches other files', () => {
    const files = [
      'renkei-backup-20261203T000000000Z.rnkb',
      'renkei-backup-20261201T000000000Z.rnkb',
      'renkei-backup-20261201T000000000Z.rnkb.sha256',
      'renkei-backup-20261204T000000000Z.rnkb',
      'renkei-backup-20261202T000000000Z.rnkb',
      'renkei-backup-20261205T000000000Z.rnkb.partial',
      'notes.txt',
    ];
    expect(generationsToPrune(files, 2)).toEqual([
      'renkei-backup-20261201T000000000Z.rnkb',
      'renkei-backup-20261202T000000000Z.rnkb',
    ]);
    expect(generationsToPrune(files, 4)).toEqual([]);
    expect(generationsToPrune(files, 10)).toEqual([]);
  });
});
