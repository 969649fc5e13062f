import { defineWords, problemsOf } from './words';

describe("a screen's words", () => {
  it('are complete when both languages have every key, none empty', () => {
    expect(problemsOf(defineWords({ ja: { title: '申請' }, en: { title: 'Applications' } }))).toEqual([]);
  });

  it('name a key one language lacks and an empty text', () => {
    const words = { ja: { title: '申請', extra: '追加' }, en: { title: ' ' } } as never;
    expect(problemsOf(words)).toEqual(['extra: missing in en', 'title: empty in en']);
  });
});
