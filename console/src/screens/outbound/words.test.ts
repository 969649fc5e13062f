import { problemsOf } from '../../words';
import { words } from './words';

it('the outbound joins screen has every word in Japanese and English', () => {
  expect(problemsOf(words)).toEqual([]);
});
