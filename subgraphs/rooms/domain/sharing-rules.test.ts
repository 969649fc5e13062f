import { sharingAllowed } from './sharing-rules';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
// 2026-11-25 23:30 in Japan.
const now = new Date('2026-11-25T14:30:00Z');

describe('sharingAllowed', () => {
  it('refuses without a view row or when the view says no', () => {
    expect(sharingAllowed(null, now)).toBe(false);
    expect(sharingAllowed({ allowed: false, validThrough: null }, now)).toBe(false);
  });
  it('trusts consent (no end date) and an exception through its review date, in Japan', () => {
    expect(sharingAllowed({ allowed: true, validThrough: null }, now)).toBe(true);
    expect(sharingAllowed({ allowed: true, validThrough: day('2026-11-25') }, now)).toBe(true);
    expect(sharingAllowed({ allowed: true, validThrough: day('2026-11-24') }, now)).toBe(false);
    // 00:30 on the 26th in Japan while UTC is still on the 25th: the 25th has passed.
    expect(sharingAllowed({ allowed: true, validThrough: day('2026-11-25') }, new Date('2026-11-25T15:30:00Z'))).toBe(
      false,
    );
  });
});
