import type { Logger } from '../lib/logger';
import type { CertificateMode } from './principal-resolver';

/** Appendix 2 requires client certificates; running without them is for development only, and says so loudly. */
export function warnIfCertificatesOff(mode: CertificateMode, logger: Logger): void {
  if (mode !== 'off') return;
  const banner = [
    '',
    '!!! CLIENT_CERT_MODE=off: client certificates are NOT required. !!!',
    '!!! Development only: never use this with real personal data.   !!!',
    '',
  ].join('\n');
  process.stderr.write(`${banner}\n`);
  logger.warn({ clientCertMode: mode }, 'client certificates are not required (development mode)');
}
