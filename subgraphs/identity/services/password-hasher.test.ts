import { hash, parseOptions } from '@node-rs/argon2';
import { dummyVerify, hashPassword, needsRehash, passwordHashParameters, verifyPassword } from './password-hasher';

describe('password hasher', () => {
  it('hashes with argon2id at the OWASP parameters and a fresh salt', async () => {
    const first = await hashPassword('correct horse battery staple');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(parseOptions(first)).toMatchObject({
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
      saltLen: 16,
    });
    expect(first).not.toContain('correct horse');
    expect(await hashPassword('correct horse battery staple')).not.toBe(first);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    await expect(verifyPassword(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(stored, 'correct horse battery stapler')).resolves.toBe(false);
    await expect(verifyPassword(stored, '')).resolves.toBe(false);
  });

  it('treats full-width and half-width input as the same password', async () => {
    const stored = await hashPassword('ｓｈｉｚｕｋａ２０２６');
    await expect(verifyPassword(stored, 'shizuka2026')).resolves.toBe(true);
  });

  it('answers false, not an error, for a malformed hash', async () => {
    for (const malformed of [
      '',
      'not a hash',
      '$argon2id$v=19$m=19456,t=2,p=1$abc$def',
      '$2b$10$abcdefghijklmnopqrstuv',
    ]) {
      await expect(verifyPassword(malformed, 'anything')).resolves.toBe(false);
    }
  });

  it('asks for a rehash when the parameters or the algorithm differ', async () => {
    expect(needsRehash(await hashPassword('correct horse battery staple'))).toBe(false);
    expect(needsRehash(await hash('pw', { memoryCost: 8192, timeCost: 2, parallelism: 1 }))).toBe(true);
    expect(needsRehash(await hash('pw', { ...passwordHashParameters, timeCost: 3 }))).toBe(true);
    expect(needsRehash(await hash('pw', { ...passwordHashParameters, algorithm: 1 as never }))).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('spends a real verification for an unknown account and answers false', async () => {
    await expect(dummyVerify('correct horse battery staple')).resolves.toBe(false);
    await expect(dummyVerify()).resolves.toBe(false);
  });

  it('makes the dummy check do the work of a real one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    await dummyVerify('warm up');
    const elapsed = async (run: () => Promise<unknown>) => {
      const begin = process.hrtime.bigint();
      await run();
      return Number(process.hrtime.bigint() - begin);
    };
    let real = 0;
    let dummy = 0;
    for (let i = 0; i < 5; i += 1) {
      real += await elapsed(() => verifyPassword(stored, 'wrong password'));
      dummy += await elapsed(() => dummyVerify('wrong password'));
    }
    // A loose bound, so machine load cannot fail it: it catches a dummy that skips the work.
    expect(dummy).toBeGreaterThan(real / 4);
  });
});
