// What the Art. 20-3 jobs need to call partners, given to the workers once
// (JobDependencies.partnerCalls): our exchange identity (key and FHIR base
// URL), whom to trust, how long to wait, how often to look again. Also the
// identifier systems we use in the Tasks we send, derived from our FHIR base
// URL: a partner's administrator registers them as our requester and user
// systems (the inbound side checks them on every Task).
import fs from 'node:fs';
import type { ExchangeIdentity } from '../../lib/exchange/exchange-key';
import { StartupError } from '../../lib/startup-error';
import { signPartnerJwt } from '../../lib/exchange/exchange-key';
import type { ExchangePartner } from '../../subgraphs/identity/services/partner-service';
import type { Logger } from '../../lib/logger';
import { createPartnerClient, PartnerCallError, type PartnerClient } from './partner-client';

export interface PartnerCallSettings {
  /** Our key and FHIR base URL (read at call time: known once the gateway listens). */
  exchange: Pick<ExchangeIdentity, 'key' | 'fhirBaseUrl'>;
  /** PEM CA certificates partners' servers may chain to besides the system's (private CAs). */
  trustedCaPems: readonly string[];
  /** How long one call may take. */
  timeoutMs: number;
  /** Polling a partner's Task: the first wait, doubling per poll up to the max. */
  poll: { firstDelayMs: number; maxDelayMs: number };
  /** A membership's CareTeam is read again once its last sync is older than this. */
  syncStaleMs: number;
}

/** Reads PARTNER_CA_FILES at start; every unreadable or non-PEM file is reported at once. */
export function readTrustedCas(files: readonly string[]): string[] {
  const problems: string[] = [];
  const pems = files.flatMap((file) => {
    try {
      const pem = fs.readFileSync(file, 'utf8');
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('not a PEM certificate');
      return [pem];
    } catch (error) {
      problems.push(`PARTNER_CA_FILES: ${file}: ${(error as Error).message}`);
      return [];
    }
  });
  if (problems.length > 0) throw new StartupError(problems);
  return pems;
}

export const defaultPartnerCallTimings = { timeoutMs: 10_000, poll: { firstDelayMs: 30_000, maxDelayMs: 6 * 60 * 60_000 }, syncStaleMs: 15 * 60_000 } as const;

/** The wait before poll number `polls` + 1 (exponential, capped). */
export function pollDelay(settings: Pick<PartnerCallSettings, 'poll'>, polls: number): number {
  return Math.min(settings.poll.maxDelayMs, settings.poll.firstDelayMs * 2 ** Math.max(0, polls));
}

/** A client for this partner, signing as the id the partner registered us under; failed calls are logged to `logger`. */
export async function clientFor(partner: ExchangePartner, settings: PartnerCallSettings, logger?: Logger): Promise<PartnerClient> {
  const clientId = partner.ourClientId;
  // An operator has to finish the registration: retried, then a dead letter they can re-drive.
  if (!clientId) throw new PartnerCallError('NOT_CONFIGURED', 'the partner has no client id for us (Partner.ourClientId)', true);
  if (partner.outboundAuth !== 'JWT') throw new PartnerCallError('NOT_CONFIGURED', 'calling partners with mutual TLS is not supported yet: register the partner with outboundAuth JWT', true);
  return createPartnerClient(partner, {
    signJwt: (audience) => signPartnerJwt(settings.exchange.key, { clientId, audience }),
    timeoutMs: settings.timeoutMs,
    trustedCaPems: settings.trustedCaPems,
    logger,
    partnerId: partner.id,
  });
}
