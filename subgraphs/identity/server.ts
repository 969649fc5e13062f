// The identity subgraph, built without a port: facilities, users, roles,
// applications (Forms 1-5), sign-in, certificates, Art. 23 powers, subjects.
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import type { VerifyInternalToken } from '../../lib/access/internal-token';
import type { CertificateAuthority } from '../../lib/pki/certificate-authority';
import type { ExchangeIdentity } from '../../lib/exchange/exchange-key';
import type { PartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import type { PrincipalEpoch } from '../../lib/access/principal-epoch';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../../lib/metrics/metrics';
import { createSubgraphServer, type SubgraphServer } from '../../lib/subgraph-server';
import { createIdentityContext, type IdentityDependencies } from './context';
import { identityInternalRoutes } from './internal-routes';
import { resolvers } from './resolvers';
import type { IdentitySettings } from './settings';

export interface IdentityServerOptions {
  db: Database;
  logger: Logger;
  verifyToken: VerifyInternalToken;
  ca: CertificateAuthority;
  settings: IdentitySettings;
  now?: () => Date;
  /** Shown to system admins (Query.exchangeIdentity) so partners can register this installation. */
  exchange?: ExchangeIdentity;
  /** Seals our client keys towards mTLS partners; without it such partners cannot be registered. */
  partnerKeys?: PartnerKeyVault;
  /** Moved on after every mutation, so that gateways stop reusing principals they resolved before it. */
  principalEpoch?: PrincipalEpoch;
  /** Counts refused sign-ins and lockouts (lib/metrics). */
  metrics?: Metrics;
}

/**
 * After every mutation, whatever it changed, before its answer leaves: a client that suspends a
 * user, signs out or changes a password and then sends its next request finds every gateway
 * replica asking identity again. Every mutation rather than a list of them, so that a new one
 * cannot be forgotten; they are rare beside queries.
 */
function principalEpochPlugin(epoch: PrincipalEpoch, logger: Logger): ApolloServerPlugin<object> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation !== 'mutation') return;
          // Redis away: gateways cannot read the epoch either and stop reusing principals (principal-cache.ts).
          await epoch
            .bump()
            .catch((error: Error) =>
              logger.warn({ err: { message: error.message } }, 'could not move the principal epoch on'),
            );
        },
      };
    },
  };
}

export function createIdentityServer(options: IdentityServerOptions): Promise<SubgraphServer> {
  const deps: IdentityDependencies = {
    db: options.db.prisma,
    settings: options.settings,
    ca: options.ca,
    now: options.now ?? (() => new Date()),
    exchange: options.exchange,
    partnerKeys: options.partnerKeys,
    principalsChanged: options.principalEpoch ? () => options.principalEpoch!.bump() : undefined,
    metrics: options.metrics,
  };
  const logger = options.logger.child({ subgraph: 'identity' });
  // The series exist from the start at 0, so the lockout alert's increase() sees the first lockout.
  for (const via of ['sign_in', 'change_password']) options.metrics?.accountLockouts.inc({ via }, 0);
  return createSubgraphServer({
    name: 'identity',
    resolvers,
    createContext: (principal) => createIdentityContext(deps, principal),
    verifyToken: options.verifyToken,
    routes: identityInternalRoutes(deps, options.verifyToken),
    checkReady: options.db.ping,
    logger,
    plugins: options.principalEpoch ? [principalEpochPlugin(options.principalEpoch, logger)] : [],
  });
}
