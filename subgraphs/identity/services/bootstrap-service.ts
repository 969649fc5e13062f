// The first system administrator. Every account is issued through an
// approved Form 4, which needs someone to approve it: on an empty network
// this creates the city's system-admin office (Art. 4: 長寿福祉課), its
// system admin with a one-time password, and a terminal certificate for it.
// It does nothing once any user exists.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Principal } from '../../../lib/access/principal';
import type { IdentityDependencies } from '../context';
import { newAccountId, newInitialPassword } from '../domain/account-credentials';
import { isCommonPassword } from '../domain/password-policy';
import { certificateInstallInstructions } from '../../../lib/pki/certificate-authority';
import { recordAudit } from './audit-service';
import { hashPassword } from './password-hasher';
import { announceDirectoryChange } from './outbox';

/** The file the first (or a recovered) system administrator's certificate is written to (start/bootstrap-files.ts). */
export const adminCertificateFileName = 'system-admin.p12';

export interface BootstrapSecrets {
  accountId: string;
  initialPassword: string;
  pkcs12: Buffer;
  passphrase: string;
  instructions: string;
}

/**
 * A system administrator's new way in, made outside any transaction: a one-time password (and its
 * hash) and a terminal certificate from the CA. The first administrator's (below) and a recovered
 * one's (recovery-service.ts). A certificate whose registry row is never written is refused at
 * sign-in, so a transaction that fails after this leaves nothing usable behind.
 */
export async function newAdminCredentials(
  deps: Pick<IdentityDependencies, 'ca' | 'settings'>,
  account: { accountId: string; displayName: string | null; commonName: string },
) {
  const initialPassword = newInitialPassword({
    accountId: account.accountId,
    displayName: account.displayName,
    policy: deps.settings.passwordPolicy,
    isCommon: isCommonPassword,
  });
  const passphrase = randomBytes(12).toString('base64url');
  const issued = deps.ca.issueClientCertificate({
    commonName: account.commonName,
    organization: 'Renkei network terminal',
    passphrase,
  });
  const passwordHash = await hashPassword(initialPassword);
  const secrets: BootstrapSecrets = {
    accountId: account.accountId,
    initialPassword,
    pkcs12: issued.pkcs12,
    passphrase,
    instructions: certificateInstallInstructions({
      fileName: adminCertificateFileName,
      commonName: account.commonName,
      fingerprint: issued.fingerprint,
      notAfter: issued.notAfter,
      caCertificatePem: deps.ca.caCertificatePem,
    }),
  };
  return { passwordHash, certificate: issued, secrets };
}

export async function bootstrapSystemAdmin(deps: IdentityDependencies): Promise<BootstrapSecrets | null> {
  if ((await deps.db.user.count()) > 0) return null;
  const now = deps.now();
  const accountId = newAccountId({ prefix: deps.settings.accountIdPrefix });
  const {
    passwordHash,
    certificate: issued,
    secrets,
  } = await newAdminCredentials(deps, { accountId, displayName: null, commonName: 'System administrator terminal' });
  const system: Principal = { kind: 'service', service: 'gateway' };
  await deps.db.$transaction(async (tx) => {
    const facility = await tx.facility.create({
      data: {
        id: randomUUID(),
        name: '長寿福祉課 (system administration)',
        kind: 'OTHER_APPROVED',
        insideCity: true,
        address: 'city office',
      },
    });
    const userId = randomUUID();
    await tx.user.create({
      data: {
        id: userId,
        accountId,
        name: 'System administrator',
        nameKana: 'システムカンリシャ',
        facilityId: facility.id,
        role: 'SYSTEM_ADMIN',
        passwordHash,
        passwordChangedAt: now,
        mustChangePassword: true,
        pledgedAt: now,
        pledgeVersion: deps.settings.pledgeVersion,
        issuedBy: userId,
      },
    });
    await tx.clientCertificate.create({
      data: {
        id: randomUUID(),
        fingerprint: issued.fingerprint,
        serialNumber: issued.serialNumber,
        facilityId: facility.id,
        label: 'bootstrap',
        notAfter: issued.notAfter,
        issuedBy: userId,
        issuedAt: now,
      },
    });
    await recordAudit(tx, system, {
      action: 'account.bootstrap',
      outcome: 'SUCCESS',
      targetType: 'User',
      targetId: userId,
    });
    await announceDirectoryChange(tx, { userId });
  });
  return secrets;
}
