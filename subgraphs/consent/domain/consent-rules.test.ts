import { currentStatus, transitionProblem } from './consent-rules';

describe('consent rules', () => {
  it('reads the latest entry as the current status', () => {
    expect(currentStatus(null)).toBe('NOT_RECORDED');
    expect(currentStatus({ state: 'GRANTED' })).toBe('GRANTED');
    expect(currentStatus({ state: 'WITHDRAWN' })).toBe('WITHDRAWN');
  });

  it.each([
    ['NOT_RECORDED', 'GRANTED', true],
    ['WITHDRAWN', 'GRANTED', true],
    ['GRANTED', 'GRANTED', false],
    ['GRANTED', 'WITHDRAWN', true],
    ['NOT_RECORDED', 'WITHDRAWN', false],
    ['WITHDRAWN', 'WITHDRAWN', false],
  ] as const)('from %s, %s is allowed: %s', (from, to, allowed) => {
    expect(transitionProblem(from, to) === null).toBe(allowed);
  });
});
