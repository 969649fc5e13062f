import { duplicateProblem, endProblem, inForce, reviewDateProblem } from './legal-exception-rules';

const today = '2026-11-25';

describe('legal exception rules (Art. 19)', () => {
  it.each([
    ['2026-11-24', 'It must be in the future.'],
    ['2026-11-25', 'It must be in the future.'],
    ['2026-11-26', null],
    ['2027-11-25', null],
    ['2027-11-26', 'It must be at most one year ahead.'],
  ])('review on %s: %s', (reviewOn, message) => {
    expect(reviewDateProblem(reviewOn, today)?.message.en ?? null).toBe(message);
  });

  it('allows one active exception per basis', () => {
    const active = [{ basis: 'ELDER_ABUSE' as const, endedAt: null }];
    expect(duplicateProblem('ELDER_ABUSE', active)).toMatchObject({ en: expect.stringMatching(/already in force/) });
    expect(duplicateProblem('DISASTER', active)).toBeNull();
    expect(duplicateProblem('ELDER_ABUSE', [{ basis: 'ELDER_ABUSE', endedAt: new Date() }])).toBeNull();
  });

  it('ends an exception once', () => {
    expect(endProblem({ endedAt: null })).toBeNull();
    expect(endProblem({ endedAt: new Date() })).toEqual({
      en: 'The exception has already ended.',
      ja: 'この例外はすでに終了しています。',
    });
  });

  it('is in force until it ends or its review date passes', () => {
    expect(inForce({ basis: 'DISASTER', reviewOn: today, endedAt: null }, today)).toBe(true);
    expect(inForce({ basis: 'DISASTER', reviewOn: '2026-11-24', endedAt: null }, today)).toBe(false);
    expect(inForce({ basis: 'DISASTER', reviewOn: '2027-01-01', endedAt: new Date() }, today)).toBe(false);
  });
});
