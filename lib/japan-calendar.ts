// "Today" as the city sees it. Form dates (explained, signed, review) are
// calendar dates without a time zone; today is the date in Japan (UTC+9, no
// daylight saving), so a form signed this morning in Takaoka is not "in the
// future" while UTC is still on yesterday. Shared by consent (form dates)
// and rooms (whether a legal exception's review date has passed).
const japanOffsetMs = 9 * 3600 * 1000;

/** Today's date in Japan as YYYY-MM-DD. */
export function todayInJapan(now: Date): string {
  return new Date(now.getTime() + japanOffsetMs).toISOString().slice(0, 10);
}

const japanTimeFormats = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' }),
} as const;

/** An instant as the city reads it, to the minute: "2026/12/08 6:00" or "8 Dec 2026, 06:00" (Japan time). */
export function japanTime(instant: Date, language: 'ja' | 'en'): string {
  return japanTimeFormats[language].format(instant);
}
