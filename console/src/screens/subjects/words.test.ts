import { problemsOf } from '../../words';
import { askWords, words } from './words';

it('the subjects and consent screen has every word in Japanese and English', () => {
  expect(problemsOf(words)).toEqual([]);
});

it('asking for a room has every word in Japanese and English', () => {
  expect(problemsOf(askWords)).toEqual([]);
});
