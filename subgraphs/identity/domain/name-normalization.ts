// How two kana spellings of one name are recognised as the same (Art. 18:
// a room-existence check must find the subject however the kana was typed).
// 「タカオカ タロウ」「たかおか　たろう」「ﾀｶｵｶﾀﾛｳ」 all fold to タカオカタロウ.
//
// Decisions:
// - NFKC first: half-width katakana become full width, and a half-width
//   voiced/semi-voiced mark composes with its kana (ﾀﾞ → ダ, ﾊﾟ → パ); the
//   ideographic space becomes an ASCII space; ･ becomes ・; ｰ becomes ー.
// - Hiragana become katakana (U+3041–U+3096 and the iteration marks ゝゞ,
//   +0x60), so ゔ → ヴ.
// - All whitespace and the middle dot ・ are dropped: where a name is split
//   is a matter of typing, not of the name.
// - The prolonged sound mark ー is kept: コーヒー and コヒ are different.
// - Small kana stay distinct from large ones (ァ ≠ ア, ッ ≠ ツ): ファ and フア,
//   ハットリ and ハツトリ are different readings, and folding them would make
//   two people look like one. Likewise ヴ is not folded into ブ. A name that
//   only matches under such looser folding is left for a human to decide.
// - NFC last, so a voiced mark that whitespace separated from its kana
//   composes once the space is gone.

const hiraganaToKatakana = /[\u3041-\u3096\u309D\u309E]/g;
const ignored = /[\s\u30FB]/gu;

/** The kana name folded for matching: full-width katakana, no spaces or middle dots. */
export function normalizeKanaName(value: string): string {
  return value
    .normalize('NFKC')
    .replace(hiraganaToKatakana, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60))
    .replace(ignored, '')
    .normalize('NFC');
}

/** A calendar date as YYYY-MM-DD; a Date is read as the UTC calendar day (how Prisma returns DATE columns). */
function isoDate(date: string | Date): string {
  return typeof date === 'string' ? date : date.toISOString().slice(0, 10);
}

/** What identifies a subject for duplicate checks and look-ups: the folded kana name and the birth date. */
export function subjectMatchKey(nameKana: string, birthDate: string | Date): string {
  return `${normalizeKanaName(nameKana)}|${isoDate(birthDate)}`;
}
