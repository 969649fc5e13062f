// Pure rules about how a subject is written down and when two records are
// the same person (Art. 5, Art. 18).
import { normalizeKanaName } from './name-normalization';

/** Art. 5 (1)-(3): receiving home support, expected to need it, or otherwise approved by the city. */
export const subjectCategories = [
  'RECEIVING_HOME_SUPPORT',
  'EXPECTED_TO_NEED_SUPPORT',
  'OTHER_APPROVED_BY_CITY',
] as const;
export const subjectSexes = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export const maxSubjectIdentifiers = 10;

export { isKanaName, isPlausibleBirthDate } from '../../../lib/japanese-names';

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
