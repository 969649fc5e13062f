// Entry point shared by the three subgraph processes (production mode):
// each owns a PostgreSQL connection pool, verifies the gateway's internal
// tokens with the public key, and listens on PORT.
import { internalTokenVerifier, type VerifyInternalToken } from './access/internal-token';
import { readKeyFile } from './access/key-files';
import type { Config, SubgraphName } from './config';
import { connectPostgres, type Database } from './database';
import { listen, probePort } from './http-server';
import type { Logger } from './logger';
import { probeDatabase } from './probes';
import { runServiceProcess } from './service-process';
import { collectProblems } from './startup-error';
import type { SubgraphServer } from './subgraph-server';

export interface SubgraphProcessContext {
  db: Database;
  logger: Logger;
  verifyToken: VerifyInternalToken;
  config: Config;
}

export function runSubgraphProcess(
  name: SubgraphName,
  createServer: (context: SubgraphProcessContext) => Promise<SubgraphServer>,
): Promise<void> {
  return runServiceProcess(
    `renkei-${name}`,
    ['DATABASE_URL', 'INTERNAL_TOKEN_PUBLIC_KEY_FILE'],
    async (config, logger) => {
      const verifyToken = await internalTokenVerifier(
        readKeyFile(config.internalTokenPublicKeyFile, 'INTERNAL_TOKEN_PUBLIC_KEY_FILE'),
      );
      const db = connectPostgres(config.databaseUrl as string);
      try {
        await collectProblems([probeDatabase(db), probePort(config.host, config.port, `the ${name} subgraph`)]);
      } catch (error) {
        await db.close();
        throw error;
      }
      const server = await createServer({ db, logger, verifyToken, config });
      const http = await listen(server.app, config.host, config.port, `the ${name} subgraph`);
      logger.info({ url: `${http.url}/graphql`, database: db.location }, `${name} subgraph ready`);
      return async () => {
        await http.close();
        await server.stop();
        await db.close();
      };
    },
  );
}
