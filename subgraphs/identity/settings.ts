// Identity's tunable rules, read from config once and passed in: the
// regulations set the shape (password with a certificate as second factor,
// lockout, session limits); each municipality may tune the numbers.
import type { Config } from '../../lib/config';
import { defaultLockoutRules, type LockoutRules } from './domain/lockout-rules';
import { defaultPasswordPolicy, type PasswordPolicy } from './domain/password-policy';
import { defaultSessionRules, type SessionRules } from './domain/session-rules';

export interface IdentitySettings {
  passwordPolicy: PasswordPolicy;
  lockoutRules: LockoutRules;
  sessionRules: SessionRules;
  accountIdPrefix: string;
  /** Version of the Form 4 confidentiality pledge text users sign. */
  pledgeVersion: string;
  /** Art. 23-2: accounts unused this many days are disabled. */
  inactivityDays: number;
  /** Appendix 2: sign-in needs a network-issued client certificate. Only development turns this off. */
  clientCertificateRequired: boolean;
}

export const defaultIdentitySettings: IdentitySettings = {
  passwordPolicy: { ...defaultPasswordPolicy },
  lockoutRules: { ...defaultLockoutRules },
  sessionRules: { ...defaultSessionRules },
  accountIdPrefix: 'tk',
  pledgeVersion: '2024-08-01',
  inactivityDays: 180,
  clientCertificateRequired: true,
};

/** The identity settings a deployment chose (config.identity), on top of the defaults. */
export function identitySettingsFrom(config: Config['identity'], clientCertificateRequired: boolean): IdentitySettings {
  return {
    ...defaultIdentitySettings,
    passwordPolicy: {
      ...defaultPasswordPolicy,
      minLength: config.passwordMinLength,
      historyDepth: config.passwordHistory,
      maxAgeDays: config.passwordMaxAgeDays,
    },
    lockoutRules: { maxFailures: config.lockoutThreshold, lockMinutes: config.lockoutMinutes },
    sessionRules: { idleMinutes: config.sessionIdleMinutes, absoluteHours: config.sessionAbsoluteHours },
    inactivityDays: config.inactivityDays,
    clientCertificateRequired,
  };
}
