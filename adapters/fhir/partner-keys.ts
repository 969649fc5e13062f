// A partner's public keys, as our FHIR endpoint verifies its JWTs with them
// (contract v1 direct JWTs and SMART client assertions alike): the JWK set
// registered inline, or, when the partner registered a JWKS URL, the set
// published there.
//
// A JWKS URL is fetched over https only (the registry refuses anything else)
// and trusts what calls to that partner trust: its registered CAs, else
// PARTNER_CA_FILES, else the system's CAs, exactly as our outbound calls do.
// The set is cached per partner (jose's remote JWK set: kept up to
// `cacheMaxAgeMs`, fetched again at once when a JWT names a kid the cached set
// lacks, so a partner can rotate keys without telling us) and the refetch on
// an unknown kid is rate limited (`cooldownMs`), so a stream of JWTs with made-
// up kids cannot make us hammer the partner's server. One fetch waits at most
// `timeoutMs`. A changed URL or CA replaces the cached set at once.
import { createHash } from 'node:crypto';
import https from 'node:https';
import { createLocalJWKSet, createRemoteJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { ExchangePartner } from '../../subgraphs/identity';

export interface PartnerKeyOptions {
  /** PARTNER_CA_FILES: trusted for partners without a registered CA (else the system's CAs). */
  defaultCaPems?: readonly string[];
  cacheMaxAgeMs?: number;
  cooldownMs?: number;
  timeoutMs?: number;
}

export const defaultPartnerKeyTimings = { cacheMaxAgeMs: 10 * 60_000, cooldownMs: 30_000, timeoutMs: 5_000 } as const;

export interface PartnerKeys {
  /** The key lookup for one partner's JWTs (jose's JWTVerifyGetKey). */
  keysOf(partner: Pick<ExchangePartner, 'id' | 'jwks' | 'jwksUrl' | 'caCertificates'>): JWTVerifyGetKey;
}

export function partnerKeys(options: PartnerKeyOptions = {}): PartnerKeys {
  const timings = { ...defaultPartnerKeyTimings, ...options };
  const remote = new Map<string, { key: string; set: JWTVerifyGetKey }>();
  return {
    keysOf(partner) {
      if (!partner.jwksUrl) return createLocalJWKSet({ keys: partner.jwks.keys as JWK[] });
      const ca = partner.caCertificates.length > 0 ? partner.caCertificates : (options.defaultCaPems ?? []);
      const key = `${partner.jwksUrl}|${createHash('sha256').update(ca.join('\n')).digest('hex')}`;
      const cached = remote.get(partner.id);
      if (cached?.key === key) return cached.set;
      const set = createRemoteJWKSet(new URL(partner.jwksUrl), {
        // No CA given: Node's default trust store.
        agent: new https.Agent(ca.length > 0 ? { ca: [...ca] } : {}),
        cacheMaxAge: timings.cacheMaxAgeMs,
        cooldownDuration: timings.cooldownMs,
        timeoutDuration: timings.timeoutMs,
        headers: { accept: 'application/json' },
      });
      remote.set(partner.id, { key, set });
      return set;
    },
  };
}
