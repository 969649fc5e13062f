// Entry point shared by the three subgraph processes (production mode):
// each owns a PostgreSQL connection pool and listens on PORT.
import { connectPostgres, type Database } from './database';
import { listen, probePort } from './http-server';
import type { Logger } from './logger';
import { probeDatabase } from './probes';
import { runServiceProcess } from './service-process';
import { collectProblems } from './startup-error';
import type { SubgraphServer } from './subgraph-server';
import type { SubgraphName } from './config';

export function runSubgraphProcess(
  name: SubgraphName,
  createServer: (db: Database, logger: Logger) => Promise<SubgraphServer>,
): Promise<void> {
  return runServiceProcess(`renkei-${name}`, ['DATABASE_URL'], async (config, logger) => {
    const db = connectPostgres(config.databaseUrl as string);
    try {
      await collectProblems([probeDatabase(db), probePort(config.host, config.port, `the ${name} subgraph`)]);
    } catch (error) {
      await db.close();
      throw error;
    }
    const server = await createServer(db, logger);
    const http = await listen(server.app, config.host, config.port, `the ${name} subgraph`);
    logger.info({ url: `${http.url}/graphql`, database: db.location }, `${name} subgraph ready`);
    return async () => {
      await http.close();
      await server.stop();
      await db.close();
    };
  });
}
