import { problemsOf } from '../../words';
import { actionWords, words } from './words';
import { grounds, parts, requesters } from './format';

describe('the audit screen’s words', () => {
  it('has every word in Japanese and English', () => {
    expect(problemsOf(words)).toEqual([]);
    expect(problemsOf(actionWords)).toEqual([]);
  });

  it('names every part, ground, requester, status, outcome and chain break', () => {
    const keys = [
      ...parts.map((part) => `part.${part}`),
      ...grounds.map((ground) => `ground.${ground}`),
      ...requesters,
      'RECEIVED',
      'REPORTED',
      'SUCCESS',
      'DENIED',
      'FAILURE',
      'HASH_MISMATCH',
      'LINK_MISMATCH',
    ];
    expect(keys.filter((key) => !(key in words.ja))).toEqual([]);
  });
});
