// The Apollo Gateway as an express app, without opening a port: POST
// /graphql over the static supergraph, GET /healthz and GET /readyz.
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import { SubgraphDataSource } from './subgraph-data-source';
import type { SubgraphName } from '../lib/config';
import { formatErrorFor } from '../lib/graphql-errors';
import type { Logger } from '../lib/logger';
import { checkReadiness } from './readiness';
import { createSubgraphFetcher } from './subgraph-fetcher';
import { stripInternalHeaders } from './subgraph-headers';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  subgraphTimeoutMs: number;
  pingRedis: () => Promise<unknown>;
  logger: Logger;
}

export interface GatewayServer {
  app: express.Express;
  stop(): Promise<void>;
}

export async function createGatewayServer(options: GatewayOptions): Promise<GatewayServer> {
  const fetcher = createSubgraphFetcher(options.subgraphTimeoutMs);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: options.logger.child({ component: 'gateway' }),
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`no URL configured for subgraph ${name}`);
      return new SubgraphDataSource({ url, fetcher });
    },
  });
  const apollo = new ApolloServer({
    gateway,
    formatError: formatErrorFor(options.logger),
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
    // Our process owns SIGINT/SIGTERM and stops servers in order (lib/service-process.ts).
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    stripInternalHeaders(req.headers);
    // Personal data must not be stored on terminals (appendix 2-4).
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await checkReadiness(options.subgraphUrls, options.pingRedis);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  app.use('/graphql', express.json({ limit: '256kb' }), expressMiddleware(apollo, { context: async () => ({}) }));
  return { app, stop: () => apollo.stop() };
}
