import {
  hasRepeatedIdentifier,
  isKanaName,
  isPlausibleBirthDate,
  matchesSubjectKey,
  type StoredSubjectName,
} from './subject-rules';
import { subjectMatchKey } from './name-normalization';

describe('isKanaName', () => {
  it.each(['タカオカ タロウ', 'たかおか　たろう', 'ﾀｶｵｶﾀﾛｳ', 'スミス・ジョン', 'コーヒー'])('accepts %s', (name) => {
    expect(isKanaName(name)).toBe(true);
  });

  it.each(['高岡 太郎', 'Takaoka', 'タカオカ1', '   ', '', 'たかおか<script>'])('refuses %j', (name) => {
    expect(isKanaName(name)).toBe(false);
  });
});

describe('isPlausibleBirthDate', () => {
  const today = new Date('2026-11-25T03:00:00Z');
  it('accepts past dates and today', () => {
    expect(isPlausibleBirthDate('1940-02-29', today)).toBe(true);
    expect(isPlausibleBirthDate('2026-11-25', today)).toBe(true);
  });
  it('refuses the future and the implausibly old', () => {
    expect(isPlausibleBirthDate('2026-11-26', today)).toBe(false);
    expect(isPlausibleBirthDate('1899-12-31', today)).toBe(false);
  });
});

describe('matchesSubjectKey', () => {
  const key = subjectMatchKey('たかおか　たろう', '1940-04-01');
  const stored = (overrides: Partial<StoredSubjectName> = {}): StoredSubjectName => ({
    nameKey: 'タカオカタロウ',
    nameKana: 'タカオカ タロウ',
    birthDate: new Date('1940-04-01T00:00:00Z'),
    ...overrides,
  });

  it('matches by the stored key and birth date', () => {
    expect(matchesSubjectKey(stored(), key)).toBe(true);
    expect(matchesSubjectKey(stored({ birthDate: new Date('1940-04-02T00:00:00Z') }), key)).toBe(false);
    expect(matchesSubjectKey(stored({ nameKey: 'タカオカハナコ', nameKana: 'タカオカ ハナコ' }), key)).toBe(false);
  });

  it('folds the kana of a row written before name_key existed', () => {
    expect(matchesSubjectKey(stored({ nameKey: null, nameKana: 'ﾀｶｵｶﾀﾛｳ' }), key)).toBe(true);
    expect(matchesSubjectKey(stored({ nameKey: null, nameKana: 'ﾀｶｵｶﾊﾅｺ' }), key)).toBe(false);
  });
});

describe('hasRepeatedIdentifier', () => {
  it('spots the same system and value given twice', () => {
    expect(
      hasRepeatedIdentifier([
        { system: 'care-insurance', value: '1' },
        { system: 'care-insurance', value: '2' },
      ]),
    ).toBe(false);
    expect(
      hasRepeatedIdentifier([
        { system: 'care-insurance', value: '1' },
        { system: 'care-insurance', value: '1' },
      ]),
    ).toBe(true);
    expect(hasRepeatedIdentifier([])).toBe(false);
  });
});
