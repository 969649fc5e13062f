import { problemsOf } from '../../words';
import { facilityStatuses, fill, kinds, paperWords, userAdminWords, userStatuses, words } from './words';

describe('the facilities screen’s words', () => {
  it('are complete in Japanese and English', () => {
    expect(problemsOf(words)).toEqual([]);
    expect(problemsOf(kinds)).toEqual([]);
    expect(problemsOf(facilityStatuses)).toEqual([]);
    expect(problemsOf(userStatuses)).toEqual([]);
    expect(problemsOf(paperWords)).toEqual([]);
    expect(problemsOf(userAdminWords)).toEqual([]);
  });

  it('fill their places and leave unknown ones', () => {
    expect(fill('証明書「{label}」{x}', { label: '受付' })).toBe('証明書「受付」{x}');
  });
});
