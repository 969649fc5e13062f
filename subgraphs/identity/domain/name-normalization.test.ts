import { normalizeKanaName, subjectMatchKey } from './name-normalization';

describe('normalizeKanaName', () => {
  it.each(['タカオカ タロウ', 'たかおか　たろう', 'ﾀｶｵｶﾀﾛｳ'])('folds the three spellings of the brief: %s', (name) => {
    expect(normalizeKanaName(name)).toBe('タカオカタロウ');
  });

  it.each([
    ['ゔぃくとりあ', 'ヴィクトリア'],
    ['ｳﾞｨｸﾄﾘｱ', 'ヴィクトリア'],
    ['ﾀﾞｲｽｹ', 'ダイスケ'],
    ['ﾊﾟｸ', 'パク'],
    ['ぱく', 'パク'],
    ['こーひー', 'コーヒー'],
    ['ｺｰﾋｰ', 'コーヒー'],
    ['すみす・じょん', 'スミスジョン'],
    ['ｽﾐｽ･ｼﾞｮﾝ', 'スミスジョン'],
    [' たかおか \u3000 ﾀﾛｳ\t', 'タカオカタロウ'],
    ['さゝき', 'サヽキ'],
    ['ゐゑ', 'ヰヱ'],
  ])('folds %j to %s', (input, expected) => {
    expect(normalizeKanaName(input)).toBe(expected);
  });

  it('composes a voiced mark that a space separated from its kana', () => {
    expect(normalizeKanaName('た\u3099いすけ')).toBe('ダイスケ');
    expect(normalizeKanaName('た \u3099いすけ')).toBe('ダイスケ');
  });

  it('keeps small kana distinct from large ones (documented choice)', () => {
    expect(normalizeKanaName('ファ')).not.toBe(normalizeKanaName('フア'));
    expect(normalizeKanaName('はっとり')).not.toBe(normalizeKanaName('はつとり'));
    expect(normalizeKanaName('ｧ')).toBe('ァ');
  });

  it('keeps the prolonged sound mark and does not fold ヴ into ブ', () => {
    expect(normalizeKanaName('コーヒー')).not.toBe(normalizeKanaName('コヒ'));
    expect(normalizeKanaName('ヴ')).not.toBe(normalizeKanaName('ブ'));
  });
});

describe('subjectMatchKey', () => {
  it('matches the same name in any spelling with the same birth date', () => {
    const keys = ['タカオカ タロウ', 'たかおか　たろう', 'ﾀｶｵｶﾀﾛｳ'].map((name) => subjectMatchKey(name, '1940-04-01'));
    expect(new Set(keys)).toEqual(new Set(['タカオカタロウ|1940-04-01']));
  });

  it('reads a Date as its UTC calendar day', () => {
    expect(subjectMatchKey('たろう', new Date('1940-04-01T00:00:00Z'))).toBe('タロウ|1940-04-01');
  });

  it('does not match a different birth date or a different name', () => {
    expect(subjectMatchKey('タカオカ タロウ', '1940-04-01')).not.toBe(subjectMatchKey('タカオカ タロウ', '1940-04-02'));
    expect(subjectMatchKey('タカオカ タロウ', '1940-04-01')).not.toBe(subjectMatchKey('タカオカ ハナコ', '1940-04-01'));
    expect(subjectMatchKey('タカオカ タロウ', '1940-04-01')).not.toBe(subjectMatchKey('タカオカ ダロウ', '1940-04-01'));
  });
});
