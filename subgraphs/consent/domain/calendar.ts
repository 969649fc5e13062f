// Calendar dates as the city sees them. Form dates (explained, signed,
// review) are calendar dates without a time zone; "today" is the date in
// Japan, so a form signed this morning in Takaoka is not "in the future"
// while UTC is still on yesterday.
const japanOffsetMs = 9 * 3600 * 1000;

/** Today's date in Japan (UTC+9, no daylight saving) as YYYY-MM-DD. */
export function todayInJapan(now: Date): string {
  return new Date(now.getTime() + japanOffsetMs).toISOString().slice(0, 10);
}

/** The same calendar day one year later (29 February → 1 March). */
export function oneYearAfter(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.toISOString().slice(0, 10);
}

/** A calendar date column (Prisma @db.Date) from YYYY-MM-DD. */
export function dateColumn(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}
