// Recovering a system administrator who lost the terminal certificate or the
// password, when no other administrator can help (a small network has one).
// Run by an operator on the server, with the database and the CA at hand
// (scripts/recover-admin.ts), never through the graph: whoever can run it
// could already issue certificates from the CA key. It issues a new terminal
// certificate for the administrator's facility and a one-time password, ends
// the account's sessions, clears a lockout, brings back an account disabled
// for inactivity (Art. 23-2), and records all of it in the audit trail with
// the operator's OS user and host. A suspended, retired or deleted account,
// or one that is not a system administrator, is refused: those are decisions
// someone made, which recovery must not undo.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../../lib/access/principal';
import type { IdentityDependencies } from '../context';
import { recordAudit } from './audit-service';
import { newAdminCredentials, type BootstrapSecrets } from './bootstrap-service';
import { endAllSessions } from './session-service';
import { announceDirectoryChange } from './outbox';

/** A refusal the operator can act on; nothing was changed. */
export class RecoveryRefused extends Error {}

export interface RecoveryOperator {
  osUser: string;
  host: string;
}

export async function recoverSystemAdmin(
  deps: IdentityDependencies,
  accountId: string,
  operator: RecoveryOperator,
): Promise<BootstrapSecrets> {
  const user = await deps.db.user.findUnique({ where: { accountId }, include: { facility: true } });
  if (!user) throw new RecoveryRefused(`no account ${JSON.stringify(accountId)}`);
  if (user.role !== 'SYSTEM_ADMIN')
    throw new RecoveryRefused(
      `${accountId} is not a system administrator: other accounts are reset by their managers (resetPassword) and get certificates through the graph`,
    );
  if (user.status !== 'ACTIVE' && user.status !== 'DISABLED_INACTIVE')
    throw new RecoveryRefused(
      `${accountId} is ${user.status.toLowerCase()}: a decision recovery does not undo (another system administrator can reinstate it)`,
    );
  if (user.facility.status !== 'ACTIVE')
    throw new RecoveryRefused(`the facility of ${accountId} is stopped: recovery does not undo that`);

  const now = deps.now();
  const {
    passwordHash,
    certificate: issued,
    secrets,
  } = await newAdminCredentials(deps, {
    accountId,
    displayName: user.name,
    commonName: 'System administrator terminal (recovered)',
  });
  const system: Principal = { kind: 'service', service: 'gateway' };
  await deps.db.$transaction(async (tx) => {
    await tx.passwordHistory.create({
      data: { id: randomUUID(), userId: user.id, hash: user.passwordHash, createdAt: now },
    });
    await tx.user.update({
      where: { id: user.id },
      data: {
        passwordHash,
        passwordChangedAt: now,
        mustChangePassword: true,
        failedSignIns: 0,
        lockedUntil: null,
        // Disabled for inactivity (Art. 23-2) is the usual state of a lone administrator's account found again.
        ...(user.status === 'DISABLED_INACTIVE' ? { status: 'ACTIVE' as const, lastActiveAt: now } : {}),
      },
    });
    await endAllSessions(tx, system, user, 'password-reset', now);
    const certificateId = randomUUID();
    await tx.clientCertificate.create({
      data: {
        id: certificateId,
        fingerprint: issued.fingerprint,
        serialNumber: issued.serialNumber,
        facilityId: user.facilityId,
        label: `recovery ${now.toISOString().slice(0, 10)}`,
        notAfter: issued.notAfter,
        issuedBy: user.id,
        issuedAt: now,
      },
    });
    await recordAudit(tx, system, {
      action: 'account.recover',
      outcome: 'SUCCESS',
      targetType: 'User',
      targetId: user.id,
      details: {
        via: 'scripts/recover-admin',
        osUser: operator.osUser,
        host: operator.host,
        certificateId,
        reinstatedFrom: user.status === 'DISABLED_INACTIVE' ? 'DISABLED_INACTIVE' : null,
      },
    });
    if (user.status === 'DISABLED_INACTIVE') await announceDirectoryChange(tx, { userId: user.id });
  });
  return secrets;
}
