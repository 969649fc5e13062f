import { isKanaName, isPlausibleBirthDate } from './subject-rules';

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
