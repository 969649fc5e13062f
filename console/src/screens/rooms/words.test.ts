import { problemsOf } from '../../words';
import { categories, words } from './words';
import { peopleWords } from './people-words';

describe('the rooms screen’s words', () => {
  it('are complete in Japanese and English', () => {
    expect(problemsOf(words)).toEqual([]);
  });

  it('of choosing colleagues and changing members are complete too', () => {
    expect(problemsOf(peopleWords)).toEqual([]);
  });

  it('name every Art. 8 category', () => {
    for (const category of categories) expect(words.ja[category]).toBeTruthy();
  });
});
