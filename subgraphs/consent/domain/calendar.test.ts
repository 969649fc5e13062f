import { oneYearAfter, todayInJapan } from './calendar';

describe('calendar', () => {
  it("reads today as Japan's date", () => {
    expect(todayInJapan(new Date('2026-11-24T14:59:59Z'))).toBe('2026-11-24');
    expect(todayInJapan(new Date('2026-11-24T15:00:00Z'))).toBe('2026-11-25');
  });

  it('adds a year', () => {
    expect(oneYearAfter('2026-11-25')).toBe('2027-11-25');
    expect(oneYearAfter('2028-02-29')).toBe('2029-03-01');
  });
});
