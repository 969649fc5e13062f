import { sessionRefusal } from './session-problems';

describe('session refusals', () => {
  it.each([
    ['unknown-session', 'SESSION_ENDED'],
    ['ended', 'SESSION_ENDED'],
    ['idle-expired', 'SESSION_EXPIRED'],
    ['absolute-expired', 'SESSION_EXPIRED'],
    ['certificate-mismatch', 'CERTIFICATE_MISMATCH'],
    ['no-certificate', 'CERTIFICATE_NOT_VALID'],
    ['unknown-certificate', 'CERTIFICATE_NOT_VALID'],
    ['revoked-certificate', 'CERTIFICATE_NOT_VALID'],
    ['expired-certificate', 'CERTIFICATE_NOT_VALID'],
    ['other-facility-certificate', 'CERTIFICATE_NOT_VALID'],
    ['account-suspended', 'ACCOUNT_NOT_ACTIVE'],
    ['account-retired', 'ACCOUNT_NOT_ACTIVE'],
    ['account-disabled_inactive', 'ACCOUNT_NOT_ACTIVE'],
    ['facility-stopped', 'FACILITY_STOPPED'],
    // Why an ended session ended (its end reason).
    ['certificate-revoked', 'CERTIFICATE_NOT_VALID'],
    ['account.suspend', 'ACCOUNT_NOT_ACTIVE'],
    ['retired', 'ACCOUNT_NOT_ACTIVE'],
    ['disabled-inactive', 'ACCOUNT_NOT_ACTIVE'],
    ['signed-out', 'SESSION_ENDED'],
    ['password-changed', 'SESSION_ENDED'],
    ['role-changed', 'SESSION_ENDED'],
    ['something identity adds later', 'SESSION_ENDED'],
  ])('identity reason %s reads as %s', (identityReason, reason) => {
    expect(sessionRefusal(identityReason).reason).toBe(reason);
  });

  it('tells a session used from another terminal what to do, unlike an ended one', () => {
    expect(sessionRefusal('certificate-mismatch').message.en).toMatch(
      /another terminal.*Sign in again from this terminal/,
    );
    expect(sessionRefusal('certificate-mismatch').message.ja).toMatch(/別の端末.*この端末でもう一度サインイン/);
    expect(sessionRefusal('certificate-mismatch').message).not.toBe(sessionRefusal('ended').message);
  });
});
