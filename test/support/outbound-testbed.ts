// What every outbound (Art. 20-3) e2e test stands on: the whole system with
// its workers, trusting only a partner's private CA; a partner server (the
// contract's mock partner or a generic FHIR server) behind that CA,
// registered in our registry; a USER, its facility manager and a system admin.
// Each file says only what differs: the partner, the call timeout and poll
// pace, the retry policy, its own logger.
import type { Logger } from '../../lib/logger';
import { actorWithRole, type Actor } from './actors';
import { partnerCertificateAuthority, registerPartner } from './mock-partner-fixtures';
import { startTestSystem, type TestSystem } from './test-system';

type ExchangeDelivery = NonNullable<Parameters<typeof startTestSystem>[0]>['exchangeDelivery'] & object;

export interface OutboundTestbed<Partner> {
  t: TestSystem;
  partner: Partner;
  partnerId: string;
  actors: { user: Actor; fm: Actor; sa: Actor };
  stop(): Promise<void>;
}

export async function startOutboundTestbed<Partner extends { url: string; stop(): Promise<void> }>(options: {
  /** Starts the partner's server with the TLS certificate its CA issued; `t` is running. */
  partner: (
    tls: { certificatePem: string; keyPem: string },
    caCertificatePem: string,
    t: TestSystem,
  ) => Promise<Partner>;
  /** Call timeout, poll pace, staleness (the partner's CA is always the only one trusted). */
  partnerCalls: Omit<NonNullable<ExchangeDelivery['partnerCalls']>, 'trustedCaPems'>;
  retry: ExchangeDelivery['retry'];
  every?: ExchangeDelivery['every'];
  logger?: Logger;
}): Promise<OutboundTestbed<Partner>> {
  const partnerCa = await partnerCertificateAuthority();
  const t = await startTestSystem({
    workers: true,
    logger: options.logger,
    exchangeDelivery: {
      // Only the partner's CA is trusted: a call that skipped verification would not prove the trust setting works.
      partnerCalls: { ...options.partnerCalls, trustedCaPems: [partnerCa.ca.caCertificatePem] },
      retry: options.retry,
      every: options.every,
    },
  });
  const partner = await options.partner(partnerCa.tls, partnerCa.ca.caCertificatePem, t);
  const user = await actorWithRole(t, 'USER');
  const actors = {
    user,
    fm: await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId }),
    sa: await actorWithRole(t, 'SYSTEM_ADMIN'),
  };
  const partnerId = await registerPartner(t.db.prisma, partner.url, actors.sa.userId);
  return {
    t,
    partner,
    partnerId,
    actors,
    stop: async () => {
      await t.stop();
      await partner.stop();
      partnerCa.remove();
    },
  };
}
