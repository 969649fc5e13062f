// The identity subgraph, built without a port: facilities, users, roles,
// applications (Forms 1-5), sign-in, certificates, Art. 23 powers, subjects.
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import type { VerifyInternalToken } from '../../lib/access/internal-token';
import type { CertificateAuthority } from '../../lib/pki/certificate-authority';
import type { ExchangeIdentity } from '../../lib/exchange/exchange-key';
import type { PartnerKeyVault } from '../../lib/exchange/partner-key-vault';
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
}

export function createIdentityServer(options: IdentityServerOptions): Promise<SubgraphServer> {
  const deps: IdentityDependencies = {
    db: options.db.prisma,
    settings: options.settings,
    ca: options.ca,
    now: options.now ?? (() => new Date()),
    exchange: options.exchange,
    partnerKeys: options.partnerKeys,
  };
  return createSubgraphServer({
    name: 'identity',
    resolvers,
    createContext: (principal) => createIdentityContext(deps, principal),
    verifyToken: options.verifyToken,
    routes: identityInternalRoutes(deps, options.verifyToken),
    checkReady: options.db.ping,
    logger: options.logger.child({ subgraph: 'identity' }),
  });
}
