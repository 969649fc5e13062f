import { problemsOf } from '../../words';
import { words } from './words';

it('the partner systems screen has every word in Japanese and English', () => {
  expect(problemsOf(words)).toEqual([]);
});
