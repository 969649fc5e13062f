// What the Art. 20-3 jobs need to call partners, given to the workers once
// (JobDependencies.partnerCalls): our exchange identity (key and FHIR base
// URL), whom to trust, how long to wait, how often to look again. Also the
// identifier systems we use in the Tasks we send, derived from our FHIR base
// URL: a partner's administrator registers them as our requester and user
// systems (the inbound side checks them on every Task).
import fs from 'node:fs';
import { type ExchangeIdentity, signPartnerJwt } from '../../lib/exchange/exchange-key';
import type { PartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import { StartupError } from '../../lib/startup-error';
import type { ExchangePartner, PartnerTransport } from '../../subgraphs/identity';
import type { Logger } from '../../lib/logger';
import type { Metrics } from '../../lib/metrics/metrics';
import { createPartnerClient, PartnerCallError, type BearerTokens, type PartnerClient } from './partner-client';
import { smartTokens } from './smart-token-client';

export interface PartnerCallSettings {
  /** Our keys and FHIR base URL (read at call time: known once the gateway listens). */
  exchange: Pick<ExchangeIdentity, 'key' | 'fhirBaseUrl' | 'assertionKey'>;
  /** PEM CA certificates partners' servers may chain to instead of the system's (PARTNER_CA_FILES), for partners without a registered CA. */
  trustedCaPems: readonly string[];
  /**
   * One partner's transport as the registry holds it now (its CA, our client
   * certificate for it): identity's partnerTransport. Null: unknown or suspended.
   */
  transport(partnerId: string): Promise<PartnerTransport | null>;
  /** Opens what partners gave us sealed to send back to them: their subscription channels' Authorization headers. */
  vault: PartnerKeyVault;
  /** How long one call may take. */
  timeoutMs: number;
  /** Polling a partner's Task: the first wait, doubling per poll up to the max. */
  poll: { firstDelayMs: number; maxDelayMs: number };
  /** A membership's CareTeam is read again once its last sync is older than this. */
  syncStaleMs: number;
  /**
   * Outbound push (our subscriptions at partners): while one is active, the
   * poll waits at least `subscribedPollDelayMs` (it is then only the fallback);
   * whether a partner offers push is read again once older than `offerCacheMs`.
   */
  push: { subscribedPollDelayMs: number; offerCacheMs: number };
  /** Counts calls by partner and outcome (lib/metrics); none: nothing is counted. */
  metrics?: Metrics;
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

export const defaultPartnerCallTimings = {
  timeoutMs: 10_000,
  poll: { firstDelayMs: 30_000, maxDelayMs: 6 * 60 * 60_000 },
  syncStaleMs: 15 * 60_000,
  push: { subscribedPollDelayMs: 60 * 60_000, offerCacheMs: 60 * 60_000 },
} as const;

/**
 * The wait before poll number `polls` + 1 (exponential, capped); while our
 * subscription at the partner is active, at least the subscribed delay, since
 * a notification brings the change sooner and the poll is only the fallback.
 */
export function pollDelay(
  settings: Pick<PartnerCallSettings, 'poll'> & { push?: Pick<PartnerCallSettings['push'], 'subscribedPollDelayMs'> },
  polls: number,
  subscribed = false,
): number {
  const delay = Math.min(settings.poll.maxDelayMs, settings.poll.firstDelayMs * 2 ** Math.max(0, polls));
  return subscribed && settings.push ? Math.max(delay, settings.push.subscribedPollDelayMs) : delay;
}

/**
 * A client for this partner, authenticating as it registered us: a JWT
 * signed as the id it gave us, (outboundAuth MTLS) the client certificate
 * our CA issued for calling it alone, or (SMART_BACKEND) an access token from
 * its token endpoint (smart-token-client.ts). The partner's transport (its CA, our
 * certificate) is read from the registry on every call, so a CA registered or
 * a certificate renewed applies to the next call without a restart; its CA
 * replaces PARTNER_CA_FILES for this partner. Failed calls are logged to `logger`.
 */
export async function clientFor(
  partner: ExchangePartner,
  settings: PartnerCallSettings,
  logger?: Logger,
): Promise<PartnerClient> {
  let transport: PartnerTransport | null;
  try {
    transport = await settings.transport(partner.id);
  } catch {
    // A sealed key that will not open (CA_DIR's partner-keys.kek is not the one it was sealed with): never call without it.
    throw new PartnerCallError(
      'NOT_CONFIGURED',
      'our client key for this partner cannot be opened (CA_DIR/partner-keys.kek is not the one it was sealed with): issue a new certificate with renewPartnerClientCertificate',
      true,
    );
  }
  // Suspended (or removed) since the job read it: retried, and the next attempt sees the suspension.
  if (!transport) throw new PartnerCallError('NOT_CONFIGURED', 'the partner is unknown or suspended', true);
  // An operator has to finish the registration: retried, then a dead letter they can re-drive.
  let signJwt: ((audience: string) => Promise<string>) | undefined;
  let bearer: BearerTokens | undefined;
  const trustedCaPems = transport.caPems.length > 0 ? transport.caPems : settings.trustedCaPems;
  if (partner.outboundAuth === 'SMART_BACKEND') {
    const clientId = partner.ourClientId;
    if (!clientId)
      throw new PartnerCallError('NOT_CONFIGURED', 'the partner has no client id for us (Partner.ourClientId)', true);
    if (!settings.exchange.assertionKey)
      throw new PartnerCallError('NOT_CONFIGURED', 'this process has no SMART client-assertion key (CA_DIR)', true);
    bearer = smartTokens({
      partnerId: partner.id,
      fhirBaseUrl: partner.fhirBaseUrl,
      clientId,
      assertionKey: settings.exchange.assertionKey,
      trustedCaPems,
      timeoutMs: settings.timeoutMs,
    });
  } else if (partner.outboundAuth === 'MTLS') {
    if (!transport.clientCertificate)
      throw new PartnerCallError(
        'NOT_CONFIGURED',
        'the partner wants mutual TLS but we hold no client certificate for it: issue one with renewPartnerClientCertificate',
        true,
      );
  } else {
    const clientId = partner.ourClientId;
    if (!clientId)
      throw new PartnerCallError('NOT_CONFIGURED', 'the partner has no client id for us (Partner.ourClientId)', true);
    signJwt = (audience) => signPartnerJwt(settings.exchange.key, { clientId, audience });
  }
  return createPartnerClient(partner, {
    signJwt,
    bearer,
    clientCertificate: partner.outboundAuth === 'MTLS' ? transport.clientCertificate : undefined,
    timeoutMs: settings.timeoutMs,
    trustedCaPems,
    logger,
    partnerId: partner.id,
    metrics: settings.metrics,
  });
}
