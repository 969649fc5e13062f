import { problemsOf } from '../../words';
import { words } from './words';

it('the room applications screen has every word in Japanese and English', () => {
  expect(problemsOf(words)).toEqual([]);
});
