// The Apollo Gateway as an express app, without opening a port: POST
// /graphql over the static supergraph, GET /healthz and GET /readyz. Every
// GraphQL request is first tied to a client certificate and a session
// (principal-resolver), and the subgraphs receive that identity only as a
// signed internal token.
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import { Kind, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import type { SubgraphName } from '../lib/config';
import type { Principal } from '../lib/access/principal';
import { internalTokenHeader, type SignInternalToken } from '../lib/access/internal-token';
import { appError, formatErrorFor } from '../lib/graphql-errors';
import type { Logger } from '../lib/logger';
import { disclosureExportRouter } from './disclosure-export';
import { checkReadiness } from './readiness';
import type { Resolution } from './principal-resolver';
import { isRestricted, type Restriction } from './restriction-rules';
import { SubgraphDataSource } from './subgraph-data-source';
import { createSubgraphFetcher } from './subgraph-fetcher';
import { stripInternalHeaders } from './subgraph-headers';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  subgraphTimeoutMs: number;
  pingRedis: () => Promise<unknown>;
  resolvePrincipal: (req: express.Request) => Promise<Resolution>;
  sign: SignInternalToken;
  logger: Logger;
}

export interface GatewayServer {
  app: express.Express;
  stop(): Promise<void>;
}

export interface GatewayContext {
  principal: Principal;
  restriction: Restriction | null;
  internalToken: string;
}

/**
 * Art. 23-1 at the gateway: runs once the operation is known, before any
 * subgraph is called. Root fields are read through inline fragments and
 * fragment spreads too, so `{ ... on Mutation { x } }` cannot slip past a
 * restriction naming `x`. A refusal answers 503 (a deliberate, temporary
 * unavailability), not Apollo's default 500.
 */
const restrictionPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation, document }) {
        const definition = operation as OperationDefinitionNode;
        const fragments = new Map(document.definitions.flatMap((def) => (def.kind === Kind.FRAGMENT_DEFINITION ? [[def.name.value, def] as const] : [])));
        const seen = new Set<string>();
        const fieldsOf = (selections: readonly SelectionNode[]): string[] =>
          selections.flatMap((s) => {
            if (s.kind === Kind.FIELD) return [s.name.value];
            if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf(s.selectionSet.selections);
            const fragment = fragments.get(s.name.value);
            if (!fragment) return ['(fragment)'];
            if (seen.has(s.name.value)) return [];
            seen.add(s.name.value);
            return fieldsOf(fragment.selectionSet.selections);
          });
        const rootFields = fieldsOf(definition.selectionSet.selections);
        if (isRestricted(contextValue.restriction, contextValue.principal, { type: definition.operation, rootFields })) {
          throw appError('SERVICE_RESTRICTED', contextValue.restriction?.message ?? 'the service is restricted', { http: { status: 503 } });
        }
      },
    };
  },
};

export async function createGatewayServer(options: GatewayOptions): Promise<GatewayServer> {
  const fetcher = createSubgraphFetcher(options.subgraphTimeoutMs);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: options.logger.child({ component: 'gateway' }),
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`no URL configured for subgraph ${name}`);
      return new SubgraphDataSource<GatewayContext>({
        url,
        fetcher,
        willSendRequest({ request, context }) {
          request.http?.headers.set(internalTokenHeader, context.internalToken);
        },
      });
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatErrorFor(options.logger),
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
    // Our process owns SIGINT/SIGTERM and stops servers in order (lib/service-process.ts).
    stopOnTerminationSignals: false,
    plugins: [restrictionPlugin],
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
  // Appendix 5: the disclosure report as a CSV or JSON file (runs the export mutation through this gateway).
  app.use(disclosureExportRouter({ apollo, resolvePrincipal: options.resolvePrincipal, sign: options.sign }));
  app.use('/graphql', async (req, res, next) => {
    try {
      const resolution = await options.resolvePrincipal(req);
      if (!resolution.ok) {
        const code = resolution.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR';
        res.status(resolution.status).json({ errors: [{ message: resolution.message, extensions: { code } }] });
        return;
      }
      const context: GatewayContext = { principal: resolution.principal, restriction: resolution.restriction, internalToken: await options.sign(resolution.principal) };
      res.locals.gatewayContext = context;
      next();
    } catch (error) {
      next(error);
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, { context: async ({ res }) => res.locals.gatewayContext as GatewayContext }),
  );
  return { app, stop: () => apollo.stop() };
}
