// Pure rules about how a subject is written down and when two records are
// the same person (Art. 5, Art. 18).
import { normalizeKanaName } from './name-normalization';

/** Art. 5 (1)-(3): receiving home support, expected to need it, or otherwise approved by the city. */
export const subjectCategories = ['RECEIVING_HOME_SUPPORT', 'EXPECTED_TO_NEED_SUPPORT', 'OTHER_APPROVED_BY_CITY'] as const;
export const subjectSexes = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export const maxSubjectIdentifiers = 10;

// Hiragana, katakana (full and half width), the prolonged sound mark, the
// middle dot and spaces (ASCII and ideographic): what a kana reading of a
// Japanese name (or a foreign name transcribed in katakana) may contain.
const kanaName = /^[\u3041-\u3096\u309D-\u309F\u30A1-\u30FA\u30FC-\u30FF\uFF66-\uFF9F\u30FB\uFF65 \u3000]+$/;

export function isKanaName(value: string): boolean {
  return kanaName.test(value) && value.trim().length > 0;
}

/** A birth date is plausible when it is not in the future and not before 1900. */
export function isPlausibleBirthDate(isoDate: string, today: Date): boolean {
  return isoDate >= '1900-01-01' && isoDate <= today.toISOString().slice(0, 10);
}

/** Two identifiers with the same system and value say the same thing twice. */
export function hasRepeatedIdentifier(identifiers: ReadonlyArray<{ system: string; value: string }>): boolean {
  return new Set(identifiers.map((i) => JSON.stringify([i.system, i.value]))).size !== identifiers.length;
}

export interface StoredSubjectName {
  nameKey: string | null;
  nameKana: string;
  birthDate: Date;
}

/**
 * Whether a stored subject is the person `key` (a subjectMatchKey) names. Rows
 * written before name_key existed have none: their kana is folded here, so
 * they are neither missed by a look-up nor registered twice.
 */
export function matchesSubjectKey(subject: StoredSubjectName, key: string): boolean {
  const date = subject.birthDate.toISOString().slice(0, 10);
  const name = subject.nameKey ?? normalizeKanaName(subject.nameKana);
  return `${name}|${date}` === key;
}
