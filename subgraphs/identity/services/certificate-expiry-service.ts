// Certificates that expire soon (issue 15): the daily job
// (adapters/jobs/certificate-expiry.ts) writes one notice per certificate
// and threshold, addressed to the people domain/certificate-expiry-rules.ts
// names, and each of them reads their own notices in the graph. The notice
// and its recipients are written in one statement pair inside a
// transaction, guarded by the notice's unique key, so two workers (or a
// retry) write it once.
import { randomUUID, X509Certificate } from 'node:crypto';
import type { CertificateExpiryNotice, PrismaClient } from '../../../generated/prisma/client';
import { fingerprintOfPem } from '../../../lib/pki/fingerprint';
import type { IdentityContext } from '../context';
import { expiryRecipients, lookAheadUntil, warningThreshold } from '../domain/certificate-expiry-rules';
import { requireUser } from './access-guard';

export type CertificateExpiryDb = Pick<
  PrismaClient,
  'clientCertificate' | 'user' | 'certificateExpiryNotice' | '$transaction'
>;

/** A certificate outside the terminal registry: the network CA's, or the gateway's server certificate (PEM). */
export interface WatchedCertificate {
  kind: 'CA' | 'SERVER';
  pem: string;
}

export interface ExpiryWarning {
  kind: 'TERMINAL' | 'CA' | 'SERVER';
  fingerprint: string;
  thresholdDays: number;
  recipients: number;
}

interface Candidate {
  kind: 'TERMINAL' | 'CA' | 'SERVER';
  fingerprint: string;
  notAfter: Date;
  certificateId: string | null;
  facilityId: string | null;
}

/** Writes the notices due at `now`; resolves with those written by this call (none for one already written). */
export async function warnOfExpiringCertificates(
  db: CertificateExpiryDb,
  input: { now: Date; thresholdsDays: readonly number[]; watched: readonly WatchedCertificate[] },
): Promise<ExpiryWarning[]> {
  const terminals = await db.clientCertificate.findMany({
    where: { revokedAt: null, notAfter: { gt: input.now, lte: lookAheadUntil(input.now, input.thresholdsDays) } },
    select: { id: true, fingerprint: true, notAfter: true, facilityId: true },
  });
  const candidates: Candidate[] = [
    ...terminals.map((t) => ({
      kind: 'TERMINAL' as const,
      fingerprint: t.fingerprint,
      notAfter: t.notAfter,
      certificateId: t.id,
      facilityId: t.facilityId,
    })),
    ...input.watched.map((w) => ({
      kind: w.kind,
      fingerprint: fingerprintOfPem(w.pem),
      notAfter: new Date(new X509Certificate(w.pem).validTo),
      certificateId: null,
      facilityId: null,
    })),
  ];
  const due = candidates.flatMap((c) => {
    const thresholdDays = warningThreshold(c.notAfter, input.now, input.thresholdsDays);
    return thresholdDays === null ? [] : [{ ...c, thresholdDays }];
  });
  if (due.length === 0) return [];
  const users = await db.user.findMany({
    where: { status: 'ACTIVE', role: { in: ['SYSTEM_ADMIN', 'FACILITY_MANAGER'] } },
    select: { id: true, role: true, facilityId: true, status: true },
  });
  const written: ExpiryWarning[] = [];
  for (const notice of due) {
    const recipients = expiryRecipients(
      notice.kind === 'TERMINAL'
        ? { kind: 'TERMINAL', facilityId: notice.facilityId as string }
        : { kind: notice.kind },
      users,
    );
    const id = randomUUID();
    const created = await db.$transaction(async (tx) => {
      const { count } = await tx.certificateExpiryNotice.createMany({
        data: [
          {
            id,
            kind: notice.kind,
            fingerprint: notice.fingerprint,
            thresholdDays: notice.thresholdDays,
            notAfter: notice.notAfter,
            certificateId: notice.certificateId,
            facilityId: notice.facilityId,
            createdAt: input.now,
          },
        ],
        skipDuplicates: true,
      });
      if (count === 0) return false;
      await tx.certificateExpiryRecipient.createMany({ data: recipients.map((userId) => ({ noticeId: id, userId })) });
      return true;
    });
    if (created)
      written.push({
        kind: notice.kind,
        fingerprint: notice.fingerprint,
        thresholdDays: notice.thresholdDays,
        recipients: recipients.length,
      });
  }
  return written;
}

/** Query.certificateExpiryNotices: the caller's own, newest first. */
export function listMyCertificateExpiryNotices(ctx: IdentityContext): Promise<CertificateExpiryNotice[]> {
  const user = requireUser(ctx);
  return ctx.db.certificateExpiryNotice.findMany({
    where: { recipients: { some: { userId: user.userId } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
  });
}
