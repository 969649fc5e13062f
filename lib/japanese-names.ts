// How a person's name in kana and birth date are written down: shared by
// identity (registering subjects) and rooms (the Art. 18 question), which
// must agree on what a well-formed question is.

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
