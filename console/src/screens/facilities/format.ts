// Dates as a Takaoka administrator reads them: the day in Japan.
import type { Language } from '../../messages';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(language: Language, withTime: boolean): Intl.DateTimeFormat {
  const key = `${language}:${withTime}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: language === 'ja' ? '2-digit' : 'short',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
    });
    formats.set(key, found);
  }
  return found;
}

export function day(iso: string, language: Language): string {
  return format(language, false).format(new Date(iso));
}

export function dayAndTime(iso: string, language: Language): string {
  return format(language, true).format(new Date(iso));
}
