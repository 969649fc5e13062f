import { FhirError } from './operation-outcome';
import {
  bearerTokenOf,
  claimProblem,
  clockToleranceSeconds,
  maxJwtLifetimeSeconds,
  refusalReason,
} from './partner-auth';

function reasonOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).code).toBe('UNAUTHENTICATED');
    return refusalReason(error);
  }
  throw new Error('expected a refusal');
}

describe('partner authentication rules', () => {
  const now = 1_800_000_000;

  it('reads a Bearer compact JWS, nothing else', () => {
    expect(bearerTokenOf(undefined)).toBeUndefined();
    expect(bearerTokenOf('Bearer aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
    // Our SMART access tokens: 43 base64url characters (256 bits), no dots.
    expect(bearerTokenOf(`Bearer ${'a'.repeat(43)}`)).toBe('a'.repeat(43));
    expect(reasonOf(() => bearerTokenOf(`Bearer ${'a'.repeat(42)}`))).toBe('MALFORMED');
    expect(reasonOf(() => bearerTokenOf('Basic dXNlcjpwYXNz'))).toBe('MALFORMED');
    expect(reasonOf(() => bearerTokenOf('Bearer not-a-jwt'))).toBe('MALFORMED');
    expect(reasonOf(() => bearerTokenOf('Bearer a.b.c extra'))).toBe('MALFORMED');
  });

  it('accepts exp up to 5 minutes ahead (with clock tolerance) and a jti', () => {
    expect(claimProblem({ exp: now + 120, jti: 'x' }, now)).toBeNull();
    expect(claimProblem({ exp: now + maxJwtLifetimeSeconds + clockToleranceSeconds, jti: 'x' }, now)).toBeNull();
  });

  it('refuses a lifetime beyond the contract, a missing exp, and a missing, empty or huge jti', () => {
    expect(claimProblem({ exp: now + maxJwtLifetimeSeconds + clockToleranceSeconds + 1, jti: 'x' }, now)).toBe(
      'LIFETIME_TOO_LONG',
    );
    expect(claimProblem({ exp: now + 3600, jti: 'x' }, now)).toBe('LIFETIME_TOO_LONG');
    expect(claimProblem({ jti: 'x' }, now)).toBe('EXPIRED');
    expect(claimProblem({ exp: now + 60 }, now)).toBe('NO_JTI');
    expect(claimProblem({ exp: now + 60, jti: '' }, now)).toBe('NO_JTI');
    expect(claimProblem({ exp: now + 60, jti: 'j'.repeat(201) }, now)).toBe('NO_JTI');
    expect(claimProblem({ exp: now + 60, jti: 42 }, now)).toBe('NO_JTI');
  });

  it('answers every refusal with the same message, whatever the reason', () => {
    const messages = new Set<string>();
    for (const header of ['Basic x', 'Bearer nope']) {
      try {
        bearerTokenOf(header);
      } catch (error) {
        messages.add((error as Error).message);
      }
    }
    expect(messages.size).toBe(1);
  });
});
