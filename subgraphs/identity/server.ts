// The identity subgraph, built without a port: facilities and subjects.
import type { Database } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import { createSubgraphServer, type SubgraphServer } from '../../lib/subgraph-server';
import { createIdentityContext } from './context';
import { resolvers } from './resolvers';

export function createIdentityServer(db: Database, logger: Logger): Promise<SubgraphServer> {
  return createSubgraphServer({
    name: 'identity',
    resolvers,
    createContext: () => createIdentityContext(db.prisma),
    checkReady: db.ping,
    logger: logger.child({ subgraph: 'identity' }),
  });
}
