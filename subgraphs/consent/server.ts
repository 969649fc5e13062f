// The consent subgraph, built without a port: consent per subject.
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import { createSubgraphServer, type SubgraphServer } from '../../lib/subgraph-server';
import { createConsentContext } from './context';
import { resolvers } from './resolvers';

export function createConsentServer(db: Database, logger: Logger): Promise<SubgraphServer> {
  return createSubgraphServer({
    name: 'consent',
    resolvers,
    createContext: () => createConsentContext(db.prisma),
    checkReady: db.ping,
    logger: logger.child({ subgraph: 'consent' }),
  });
}
