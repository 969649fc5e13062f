import { problemsOf } from '../../words';
import { words } from './words';

it('the subjects and consent screen has every word in Japanese and English', () => {
  expect(problemsOf(words)).toEqual([]);
});
