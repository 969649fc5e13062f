// Dates as this screen uses them: today's date in Japan (forms default to it)
// and a calendar date (YYYY-MM-DD) as people read it.
import type { Language } from '../../messages';

export function todayInJapan(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(now);
}

export function day(date: string, language: Language): string {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** Roles that ask for or decide rooms: they search, register and read subjects. */
export const subjectRoles = ['USER', 'SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'] as const;
/** Roles that decide rooms: they read and record legal exceptions. */
export const deciderRoles = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'] as const;

export const has = (roles: readonly string[], role: string) => roles.includes(role);
