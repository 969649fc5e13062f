import { problemsOf } from '../../words';
import { categories, words } from './words';

describe('the rooms screen’s words', () => {
  it('are complete in Japanese and English', () => {
    expect(problemsOf(words)).toEqual([]);
  });

  it('name every Art. 8 category', () => {
    for (const category of categories) expect(words.ja[category]).toBeTruthy();
  });
});
