// Dates as this screen uses them: today's date in Japan (forms default to it)
// and a calendar date (YYYY-MM-DD) as people read it.
import { GraphError } from '../../graphql';
import type { Language } from '../../messages';
import { fieldWords } from './words';

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

/**
 * The graph's refusal or validation message. It names the field it is about by its input name
 * ("nameKana: …"); the screen says it as its form does ("氏名（かな）: …"). Other messages are
 * shown as they come.
 */
export function problemText(error: unknown, w: Readonly<Record<string, string>>): string {
  if (!(error instanceof GraphError)) return String(error);
  const match = /^([A-Za-z][\w.[\]]*): (.*)$/s.exec(error.message);
  if (!match) return error.message;
  const field =
    (match[1] ?? '')
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? '';
  const key = (fieldWords as Record<string, string>)[field];
  return key && w[key] ? `${w[key]}: ${match[2] ?? ''}` : error.message;
}
