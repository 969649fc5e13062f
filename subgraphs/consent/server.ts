// The consent subgraph, built without a port: consent per subject, the
// Art. 19 exceptions, and consent's access records.
import type { VerifyInternalToken } from '../../lib/access/internal-token';
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import { createSubgraphServer, type SubgraphServer } from '../../lib/subgraph-server';
import { createConsentContext } from './context';
import { resolvers } from './resolvers';

export function createConsentServer(options: {
  db: Database;
  logger: Logger;
  verifyToken: VerifyInternalToken;
  now?: () => Date;
}): Promise<SubgraphServer> {
  return createSubgraphServer({
    name: 'consent',
    resolvers,
    createContext: (principal) => createConsentContext(options.db.prisma, principal, options.now),
    verifyToken: options.verifyToken,
    checkReady: options.db.ping,
    logger: options.logger.child({ subgraph: 'consent' }),
  });
}
