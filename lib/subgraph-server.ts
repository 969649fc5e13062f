// Builds a Federation 2 subgraph as an express app without opening a port:
// POST /graphql, GET /healthz (process up), GET /readyz (its dependencies
// answer). Tests use the app directly or listen on an ephemeral port.
// Only the gateway calls a subgraph: no introspection, no landing page,
// JSON POST only, and every refusal (a bad body included) is JSON. Each
// request runs as part of the gateway's request id (lib/request-id.ts; a
// fresh one if the header is missing or malformed), which the context is
// given and the outbox writers store with the events the request causes,
// and in the language the gateway chose (lib/messages/language.ts), which
// formatError renders its messages in.
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { InvalidInternalToken, internalTokenHeader, type VerifyInternalToken } from './access/internal-token';
import type { Principal } from './access/principal';
import { appError, formatErrorFor } from './graphql-errors';
import { jsonErrorHandler, jsonNotFound, requireJsonPost } from './http-errors';
import type { Logger } from './logger';
import { internalRequestIdHeader, requestIdFrom, withRequestId } from './request-id';
import { internalLanguageHeader, languageFromInternalHeader, withLanguage } from './messages/language';
import { loadSubgraphSchema } from './subgraph-schema';
import type { SubgraphName } from './config';
import type { GraphQLSchema } from 'graphql';

export interface SubgraphServerOptions<Context extends object> {
  name: SubgraphName;
  resolvers: GraphQLResolverMap<Context>;
  /** A fresh context per request for the verified principal (request-scoped DataLoaders live here). */
  createContext: (principal: Principal, request: { requestId: string }) => Context;
  /** Verifies the gateway's internal token; requests without a valid one are refused. */
  verifyToken: VerifyInternalToken;
  /** Extra routes (internal endpoints for the gateway), mounted before /graphql. */
  routes?: (app: express.Express) => void;
  /** Throws when the subgraph cannot serve (its database is unreachable). */
  checkReady: () => Promise<void>;
  logger: Logger;
  /** The subgraph's own Apollo plugins (identity's moves the principal epoch on after a mutation). */
  plugins?: ApolloServerPlugin<object>[];
}

export interface SubgraphServer {
  app: express.Express;
  apollo: ApolloServer<object>;
  stop(): Promise<void>;
}

/**
 * Subgraphs trust nothing but the gateway's signed token: a request that
 * reaches a subgraph directly, or with a forged or stale token, is refused
 * before any resolver runs.
 */
async function principalOf(header: string | string[] | undefined, verify: VerifyInternalToken): Promise<Principal> {
  if (typeof header !== 'string') throw unauthenticated();
  try {
    return await verify(header);
  } catch (error) {
    if (error instanceof InvalidInternalToken) throw unauthenticated();
    throw error;
  }
}

function unauthenticated() {
  return appError(
    'UNAUTHENTICATED',
    {
      en: 'This service only answers requests relayed by the gateway. Send the request to the gateway.',
      ja: 'このサービスはゲートウェイ経由のリクエストにのみ応答します。ゲートウェイに送ってください。',
    },
    { http: { status: 401 } },
  );
}

/**
 * Each subgraph's schema, built once per process and resolver map. It depends only on the
 * subgraph's SDL files and its resolvers (a module's constant), and a GraphQLSchema is immutable,
 * so a process that starts the same subgraph again (a test file's system after the previous
 * file's, in one jest worker) reuses it: the three schemas cost 120–150 ms of CPU per build here.
 */
const schemas = new Map<SubgraphName, { resolvers: object; schema: GraphQLSchema }>();

function subgraphSchema(name: SubgraphName, resolvers: object): GraphQLSchema {
  const built = schemas.get(name);
  if (built?.resolvers === resolvers) return built.schema;
  const schema = buildSubgraphSchema([
    { typeDefs: loadSubgraphSchema(name), resolvers: resolvers as GraphQLResolverMap<unknown> },
  ]);
  schemas.set(name, { resolvers, schema });
  return schema;
}

export async function createSubgraphServer<Context extends object>(
  options: SubgraphServerOptions<Context>,
): Promise<SubgraphServer> {
  const schema = subgraphSchema(options.name, options.resolvers);
  const apollo = new ApolloServer<object>({
    schema,
    formatError: formatErrorFor(options.logger),
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
    // Our process owns SIGINT/SIGTERM and stops servers in order (lib/service-process.ts).
    stopOnTerminationSignals: false,
    // Traces are only useful with Apollo's hosted reporting, which we do not use.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ...(options.plugins ?? []),
    ],
    introspection: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Every answer, refusals of a malformed body included, in the language the gateway chose.
  app.use((req, _res, next) => withLanguage(languageFromInternalHeader(req.headers[internalLanguageHeader]), next));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', subgraph: options.name });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await options.checkReady();
      res.json({ status: 'ok', subgraph: options.name });
    } catch {
      res.status(503).json({ status: 'unavailable', subgraph: options.name, database: 'unreachable' });
    }
  });
  options.routes?.(app);
  app.use(
    '/graphql',
    requireJsonPost,
    express.json({ limit: '256kb' }),
    (req, res, next) => {
      const requestId = requestIdFrom(req.headers[internalRequestIdHeader]);
      res.locals.requestId = requestId;
      withRequestId(requestId, next);
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        options.createContext(await principalOf(req.headers[internalTokenHeader], options.verifyToken), {
          requestId: res.locals.requestId as string,
        }),
    }),
  );
  app.use(jsonNotFound);
  app.use(jsonErrorHandler(options.logger));
  return { app, apollo, stop: () => apollo.stop() };
}
