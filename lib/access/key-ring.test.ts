import { keyForToken, keyRingProblem, pemBlocks, rotationStepProblem } from './key-ring';

describe('key ring rules', () => {
  it('holds one key, or two during a rotation window, never none, three or the same twice', () => {
    expect(keyRingProblem(['a'])).toBeNull();
    expect(keyRingProblem(['a', 'b'])).toBeNull();
    expect(keyRingProblem([])).toMatch(/no public key/);
    expect(keyRingProblem(['a', 'b', 'c'])).toMatch(/at most 2.*retire the oldest/);
    expect(keyRingProblem(['a', 'a'])).toMatch(/same public key twice/);
  });

  it('picks the key a token names; a token without kid only from a ring of one', () => {
    const one = [{ kid: 'a', key: 1 }];
    const two = [...one, { kid: 'b', key: 2 }];
    expect(keyForToken(two, 'b')?.key).toBe(2);
    expect(keyForToken(two, 'a')?.key).toBe(1);
    expect(keyForToken(two, 'c')).toBeNull();
    expect(keyForToken(one, undefined)?.key).toBe(1);
    expect(keyForToken(two, undefined)).toBeNull();
  });

  it('reads every PEM block of a file in order, ignoring text around them', () => {
    const a = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';
    const b = '-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----';
    expect(pemBlocks(`# current\n${a}\n\n${b}`)).toEqual([`${a}\n`, `${b}\n`]);
    expect(pemBlocks('nothing')).toEqual([]);
  });
});

describe('rotation steps', () => {
  const idle = { hasNext: false, hasPrevious: false };
  it('goes add → promote → retire, one rotation at a time', () => {
    expect(rotationStepProblem('add', idle, 65)).toBeNull();
    expect(rotationStepProblem('promote', idle, 65)).toMatch(/no next key/);
    expect(rotationStepProblem('retire', idle, 65)).toMatch(/no previous key/);
    const staged = { hasNext: true, hasPrevious: false };
    expect(rotationStepProblem('add', staged, 65)).toMatch(/already staged/);
    expect(rotationStepProblem('promote', staged, 65)).toBeNull();
    const promoted = { hasNext: false, hasPrevious: true, secondsSincePromotion: 100 };
    expect(rotationStepProblem('add', promoted, 65)).toMatch(/retire it first/);
    expect(rotationStepProblem('promote', promoted, 65)).toMatch(/no next key/);
    expect(rotationStepProblem('retire', promoted, 65)).toBeNull();
  });

  it('refuses to retire the previous key while tokens it signed may still be valid', () => {
    expect(rotationStepProblem('retire', { hasNext: false, hasPrevious: true, secondsSincePromotion: 20 }, 65)).toMatch(
      /switched 20 s ago.*45 s more/,
    );
  });
});
