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

export async function bootstrapSystemAdmin(deps: IdentityDependencies): Promise<BootstrapSecrets | null> {
  if ((await deps.db.user.count()) > 0) return null;
  const now = deps.now();
  const accountId = newAccountId({ prefix: deps.settings.accountIdPrefix });
  const initialPassword = newInitialPassword({
    accountId,
    displayName: null,
    policy: deps.settings.passwordPolicy,
    isCommon: isCommonPassword,
  });
  const passphrase = randomBytes(12).toString('base64url');
  const issued = deps.ca.issueClientCertificate({
    commonName: 'System administrator terminal',
    organization: 'Renkei network terminal',
    passphrase,
  });
  const passwordHash = await hashPassword(initialPassword);
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
  return {
    accountId,
    initialPassword,
    pkcs12: issued.pkcs12,
    passphrase,
    instructions: certificateInstallInstructions({
      fileName: adminCertificateFileName,
      commonName: 'System administrator terminal',
      fingerprint: issued.fingerprint,
      notAfter: issued.notAfter,
      caCertificatePem: deps.ca.caCertificatePem,
    }),
  };
}
