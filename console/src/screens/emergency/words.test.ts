import { problemsOf } from '../../words';
import { words } from './words';

describe('the break-glass screen’s words', () => {
  it('are complete in Japanese and English', () => {
    expect(problemsOf(words)).toEqual([]);
  });
});
