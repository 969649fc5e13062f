// Issue 15: certificates are renewed before they expire, not after. Once a
// day this job looks at the terminal certificates in identity's registry,
// the network CA's certificate and any watched PEM file (the gateway's
// server certificate when it comes from a file: CERTIFICATE_EXPIRY_FILES),
// and writes a notice for each one within a threshold
// (CERTIFICATE_EXPIRY_WARNING_DAYS, default 30 and 7 days) to the facility
// managers of a terminal's facility and every system administrator, through
// identity's service. A notice is written once per certificate and
// threshold, so the daily run (or a second worker) repeats nobody's warning.
// Logs carry kinds, thresholds and counts only.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../lib/config';
import { z } from 'zod';
import { warnOfExpiringCertificates, type WatchedCertificate } from '../../subgraphs/identity';
import { scheduledJob } from '../job-definition';
import type { Logger } from '../../lib/logger';

/** What the job watches besides the terminal registry, and when it warns. */
export interface CertificateExpirySettings {
  /** Days before notAfter (CERTIFICATE_EXPIRY_WARNING_DAYS). */
  warningDays: readonly number[];
  /** PEM certificate files, re-read at every run so a renewed file is seen: the CA's and the server's. */
  files: ReadonlyArray<{ kind: WatchedCertificate['kind']; file: string }>;
}

export const defaultCertificateExpiry: CertificateExpirySettings = { warningDays: [30, 7], files: [] };

/** From config: the thresholds, the CA's certificate in CA_DIR and CERTIFICATE_EXPIRY_FILES (server certificates). */
export function certificateExpiryOf(config: Pick<Config, 'caDir' | 'certificateExpiry'>): CertificateExpirySettings {
  return {
    warningDays: config.certificateExpiry.warningDays,
    files: [
      { kind: 'CA', file: path.join(config.caDir, 'ca.crt') },
      ...config.certificateExpiry.files.map((file) => ({ kind: 'SERVER' as const, file })),
    ],
  };
}

function readWatched(settings: CertificateExpirySettings, logger: Logger): WatchedCertificate[] {
  const watched: WatchedCertificate[] = [];
  for (const { kind, file } of settings.files) {
    try {
      watched.push({ kind, pem: fs.readFileSync(file, 'utf8') });
    } catch (error) {
      logger.warn(
        { kind, file, code: (error as NodeJS.ErrnoException).code ?? 'error' },
        'certificate expiry: a watched certificate file cannot be read',
      );
    }
  }
  return watched;
}

export const certificateExpiry = scheduledJob({
  queue: 'certificate-expiry',
  payload: z.object({}).strict(),
  every: 24 * 60 * 60 * 1000,
  async process(_payload, _job, { identity, certificateExpiry: settings = defaultCertificateExpiry, logger }) {
    const written = await warnOfExpiringCertificates(identity.db, {
      now: identity.now(),
      thresholdsDays: settings.warningDays,
      watched: readWatched(settings, logger),
    });
    for (const notice of written)
      logger.warn(
        {
          kind: notice.kind,
          fingerprint: notice.fingerprint,
          thresholdDays: notice.thresholdDays,
          recipients: notice.recipients,
        },
        'a certificate expires soon: notice written',
      );
  },
});
