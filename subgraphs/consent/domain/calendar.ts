// Calendar dates as the city sees them (today in Japan: lib/japan-calendar.ts).
export { todayInJapan } from '../../../lib/japan-calendar';

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
