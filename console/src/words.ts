// A screen's own words, Japanese and English, kept beside the screen (the
// shared ones are messages.ts). `defineWords` checks at the type level that
// English has every Japanese key; each screen's test checks its catalog with
// `problemsOf` at run time (none empty, the same keys both ways).
import type { Language } from './messages';

export interface Words<T extends Record<string, string>> {
  ja: T;
  en: { [K in keyof T]: string };
}

export function defineWords<T extends Record<string, string>>(words: Words<T>): Words<T> {
  return words;
}

/** What is wrong with a catalog: a key one language lacks, or an empty text. None when it is complete. */
export function problemsOf(words: Words<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [language, other] of [
    ['ja', 'en'],
    ['en', 'ja'],
  ] as const)
    for (const [key, text] of Object.entries(words[language])) {
      if (!(key in words[other])) problems.push(`${key}: missing in ${other}`);
      if (text.trim() === '') problems.push(`${key}: empty in ${language}`);
    }
  return problems;
}

export function wordsIn<T extends Record<string, string>>(
  words: Words<T>,
  language: Language,
): { [K in keyof T]: string } {
  return language === 'en' ? words.en : words.ja;
}
