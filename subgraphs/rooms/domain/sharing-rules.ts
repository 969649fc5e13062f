// Whether a subject's data may be shared today, from rooms' sharing view
// (services/sharing-view.ts): consent holds until withdrawn, a legal exception
// through its review date, counted in Japan's calendar. Pure.
import { todayInJapan } from '../../../lib/japan-calendar';

/** Whether a view row allows sharing today. Pure. */
export function sharingAllowed(row: { allowed: boolean; validThrough: Date | null } | null, now: Date): boolean {
  if (!row?.allowed) return false;
  return row.validThrough === null || row.validThrough.toISOString().slice(0, 10) >= todayInJapan(now);
}
