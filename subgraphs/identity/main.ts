import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import { openExchangeKeys, reloadExchangeKeys, type ExchangeIdentity } from '../../lib/exchange/exchange-key';
import { openPartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import { runSubgraphProcess } from '../../lib/subgraph-process';
import { createIdentityServer } from './server';
import { identitySettingsFrom } from './settings';
import { redisPrincipalEpoch } from '../../lib/access/principal-epoch';
import type { Redis } from '../../lib/redis';

// Identity needs Redis for one thing: moving the principal epoch on after a mutation (gateways' principal cache).
void runSubgraphProcess(
  'identity',
  async ({ db, logger, verifyToken, config, redis, metrics, onReload }) => {
    // Shown to system admins so partners can register us: the public half of the keys in CA_DIR our JWTs to partners
    // are signed with (re-read on SIGHUP during a key rotation).
    const exchange: ExchangeIdentity | undefined = config.fhirBaseUrl
      ? { ...(await openExchangeKeys(config.caDir)), fhirBaseUrl: config.fhirBaseUrl }
      : undefined;
    if (exchange) onReload(() => reloadExchangeKeys(exchange, config.caDir));
    return createIdentityServer({
      db,
      logger,
      verifyToken,
      ca: await openCertificateAuthority(config.caDir),
      settings: identitySettingsFrom(config.identity, config.clientCertMode !== 'off'),
      exchange,
      // Our client keys towards mTLS partners are sealed under the KEK beside the CA; the worker opens the same file.
      partnerKeys: openPartnerKeyVault(config.caDir),
      principalEpoch: redisPrincipalEpoch(redis as Redis, config.queuePrefix),
      metrics,
    });
  },
  { redis: true },
);
