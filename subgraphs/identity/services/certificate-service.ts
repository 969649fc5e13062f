// Terminal certificates (appendix 2): the system admin or an admin manager
// issues one for a facility's terminal; the PKCS#12 and its passphrase are
// returned once and never stored. Revocation takes effect on the next
// request of every session created with the certificate.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientCertificate } from '../../../generated/prisma/client';
import { appError, notFound } from '../../../lib/graphql-errors';
import { certificateInstallInstructions, terminalCertificateFileName } from '../../../lib/pki/certificate-authority';
import type { IdentityContext } from '../context';
import { authorize } from './access-guard';
import { recordAudit } from './audit-service';
import { activeFacility } from './facility-service';

export interface IssuedCertificate {
  certificate: ClientCertificate;
  pkcs12Base64: string;
  passphrase: string;
  /** The .p12's file name, which the instructions name (the gateway's download route uses it). */
  fileName: string;
  instructions: string;
}

export async function issueCertificate(
  ctx: IdentityContext,
  facilityId: string,
  label: string,
): Promise<IssuedCertificate> {
  const actor = await authorize(ctx, 'certificate.issue', { type: 'Facility', id: facilityId });
  const facility = await activeFacility(ctx, facilityId, {
    en: 'No certificate is issued to a stopped facility.',
    ja: '利用停止中の施設には電子証明書を発行できません。',
  });
  const passphrase = randomBytes(12).toString('base64url');
  const issued = ctx.ca.issueClientCertificate({
    commonName: `${facility.name} ${label}`.slice(0, 64),
    organization: 'Renkei network terminal',
    passphrase,
  });
  const certificate = await ctx.db.$transaction(async (tx) => {
    const created = await tx.clientCertificate.create({
      data: {
        id: randomUUID(),
        fingerprint: issued.fingerprint,
        serialNumber: issued.serialNumber,
        facilityId,
        label,
        notAfter: issued.notAfter,
        issuedBy: actor.userId,
        issuedAt: ctx.now(),
      },
    });
    await recordAudit(tx, ctx.principal, {
      action: 'certificate.issue',
      outcome: 'SUCCESS',
      targetType: 'ClientCertificate',
      targetId: created.id,
      details: { facility: facilityId },
    });
    return created;
  });
  const fileName = terminalCertificateFileName(issued.serialNumber);
  return {
    certificate,
    pkcs12Base64: issued.pkcs12.toString('base64'),
    passphrase,
    fileName,
    instructions: certificateInstallInstructions({
      fileName,
      commonName: label,
      fingerprint: issued.fingerprint,
      notAfter: issued.notAfter,
      caCertificatePem: ctx.ca.caCertificatePem,
    }),
  };
}

export async function revokeCertificate(ctx: IdentityContext, id: string, reason: string): Promise<ClientCertificate> {
  const actor = await authorize(ctx, 'certificate.issue', { type: 'ClientCertificate', id });
  const existing = await ctx.db.clientCertificate.findUnique({ where: { id } });
  if (!existing)
    throw notFound({
      en: 'There is no such certificate. Check the id.',
      ja: 'その電子証明書はありません。ID を確認してください。',
    });
  if (existing.revokedAt)
    throw appError('ILLEGAL_TRANSITION', {
      en: 'The certificate is already revoked.',
      ja: 'この電子証明書はすでに失効しています。',
    });
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const revoked = await tx.clientCertificate.update({
      where: { id },
      data: { revokedAt: now, revokedBy: actor.userId, revokeReason: reason },
    });
    const ended = await tx.session.updateMany({
      where: { certificate: existing.fingerprint, endedAt: null },
      data: { endedAt: now, endReason: 'certificate-revoked' },
    });
    await recordAudit(tx, ctx.principal, {
      action: 'certificate.revoke',
      outcome: 'SUCCESS',
      targetType: 'ClientCertificate',
      targetId: id,
      details: { sessionsEnded: ended.count },
    });
    return revoked;
  });
}
