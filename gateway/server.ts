// The Apollo Gateway as an express app, without opening a port: POST
// /graphql over the static supergraph, GET /healthz and GET /readyz. A
// GraphQL request passes, in order: JSON POST only, the body limit, the
// persisted-operations mode and query limits (no I/O), the caller's
// certificate and session (principal-resolver), the rate limits, and only
// then Apollo; the subgraphs receive the caller's identity only as a signed
// internal token. Every refusal is JSON in the GraphQL error shape. Every
// request gets a request id (lib/request-id.ts: the client's x-request-id if
// it is a UUID, a fresh one otherwise), answered in x-request-id and passed
// to the subgraphs beside the internal token, so the jobs a mutation causes
// log it too. The language of every message is chosen here too, once, from
// Accept-Language (lib/messages/language.ts), and passed to the subgraphs
// beside the request id.
//
// Production settings never depend on NODE_ENV: introspection and field
// suggestions are off unless configured on, and no landing page is served
// (Apollo's would load Sandbox from a CDN).
import express from 'express';
import type { Redis } from 'ioredis';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { Kind, type GraphQLSchema, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { defaultOperationLimits, type GatewayRateLimits, type OperationLimits, type SubgraphName } from '../lib/config';
import type { Principal } from '../lib/access/principal';
import { internalTokenHeader, type SignInternalToken } from '../lib/access/internal-token';
import { appError, formatErrorFor } from '../lib/graphql-errors';
import { jsonErrorHandler, jsonNotFound, requireGraphqlBody, requireJsonPost } from '../lib/http-errors';
import type { Logger } from '../lib/logger';
import { internalLanguageHeader, negotiateLanguage, withLanguage } from '../lib/messages/language';
import type { Language } from '../lib/messages/message';
import {
  internalRequestIdHeader,
  publicRequestIdHeader,
  requestIdFrom,
  requestIdOf,
  withRequestId,
} from '../lib/request-id';
import { operationGuard, type GuardedOperation } from './operation-guard';
import { persistedOperationsOff, type PersistedOperations } from './persisted-operations';
import { createRateLimiter, rateLimitRequests } from './rate-limits';
import { corsFor } from './cors';
import { certificateDownloadRouter } from './certificate-download';
import { disclosureExportRouter } from './disclosure-export';
import { consoleRouter } from './console';
import { graphiqlRouter } from './graphiql';
import { checkReadiness } from './readiness';
import { resolutionError, type Resolution } from './principal-resolver';
import { isRestricted, refusalMessage, type Restriction } from './restriction-rules';
import { SubgraphDataSource } from './subgraph-data-source';
import { createSubgraphFetcher, timedFetcher } from './subgraph-fetcher';
import { graphqlMetricsPlugin } from './graphql-metrics';
import { inFlightOperations } from './in-flight-operations';
import type { Metrics } from '../lib/metrics/metrics';
import { stripInternalHeaders } from './subgraph-headers';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  subgraphTimeoutMs: number;
  pingRedis: () => Promise<unknown>;
  /** Who is calling; the gateway's stop closes it (its close(), when it has one). */
  resolvePrincipal: ((req: express.Request) => Promise<Resolution>) & { close?(): Promise<void> };
  sign: SignInternalToken;
  logger: Logger;
  /** Abuse limits and production settings; each one absent takes its secure default. */
  protection?: Partial<GatewayProtection>;
  /** Extra routes on the gateway's port (the partner endpoint /fhir), mounted before the JSON 404. */
  routes?: (app: express.Express) => void;
  /** The built web console (dist/console) to serve at / (gateway/console.ts); none when absent. */
  consoleDir?: string;
  /** Counts operations, subgraph calls and rate-limit refusals (lib/metrics); none: nothing is counted. */
  metrics?: Metrics;
  /** The clock of time-bound decisions (a restriction's announced end): identity's; the system clock when absent. */
  now?: () => Date;
}

export interface GatewayProtection {
  /** Default: lib/config.ts defaultOperationLimits. */
  limits: OperationLimits;
  /** Default false. */
  introspection: boolean;
  /** "Did you mean …" in validation errors; default false (graphql-armor's block-field-suggestions). */
  fieldSuggestions: boolean;
  /** Default off. */
  persistedOperations: PersistedOperations;
  /** Redis-backed rate limits; default none (the entry points always pass them from config). */
  rateLimits: { redis: Redis; keyPrefix: string; limits: GatewayRateLimits } | null;
  /** Browser origins allowed across origins (gateway/cors.ts); default none. */
  corsOrigins: readonly string[];
  /** GraphiQL at /graphiql (gateway/graphiql.ts), development only; default false. */
  graphiql: boolean;
}

/**
 * How long a stop waits for the operations in flight: longer than a query plan's fetches take at their
 * timeouts, shorter than a container platform's grace period before it kills the process (30 s by default).
 */
const operationsDrainMs = 10_000;

export interface GatewayServer {
  app: express.Express;
  stop(): Promise<void>;
}

export interface GatewayContext {
  principal: Principal;
  restriction: Restriction | null;
  internalToken: string;
  /** For log correlation only (lib/request-id.ts). */
  requestId: string;
  /** The language the caller reads messages in (lib/messages/language.ts). */
  language: Language;
}

/**
 * Art. 23-1 at the gateway: runs once the operation is known, before any
 * subgraph is called. Root fields are read through inline fragments and
 * fragment spreads too, so `{ ... on Mutation { x } }` cannot slip past a
 * restriction naming `x`. A refusal answers 503 (a deliberate, temporary
 * unavailability), not Apollo's default 500.
 */
const restrictionPlugin = (now: () => Date): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation, document }) {
        const definition = operation as OperationDefinitionNode;
        const fragments = new Map(
          document.definitions.flatMap((def) =>
            def.kind === Kind.FRAGMENT_DEFINITION ? [[def.name.value, def] as const] : [],
          ),
        );
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
        const restriction = contextValue.restriction;
        const at = now();
        if (
          restriction &&
          isRestricted(restriction, contextValue.principal, { type: definition.operation, rootFields }, at)
        ) {
          // An announced end is given to programs twice: in the error (restrictedUntil) and as HTTP's
          // Retry-After; people read it in the message.
          const end = restriction.scheduledEndAt;
          const headers = new HeaderMap();
          if (end) headers.set('retry-after', String(Math.max(1, Math.ceil((Date.parse(end) - at.getTime()) / 1000))));
          throw appError('SERVICE_RESTRICTED', refusalMessage(restriction), {
            ...(end && { restrictedUntil: new Date(end).toISOString() }),
            http: { status: 503, headers },
          });
        }
      },
    };
  },
});

export async function createGatewayServer(options: GatewayOptions): Promise<GatewayServer> {
  const protection: GatewayProtection = {
    limits: defaultOperationLimits,
    introspection: false,
    fieldSuggestions: false,
    persistedOperations: persistedOperationsOff,
    rateLimits: null,
    corsOrigins: [],
    graphiql: false,
    ...options.protection,
  };
  let apiSchema: GraphQLSchema | undefined;
  const schemaCapture: ApolloServerPlugin<GatewayContext> = {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema: schema }) {
          apiSchema = schema;
        },
      };
    },
  };
  // graphql-armor only for what fits as an Apollo plugin; its limits are validation rules, which run too late (see operation-limits.ts).
  const armor = new ApolloArmor({
    blockFieldSuggestion: { enabled: !protection.fieldSuggestions },
    maxTokens: { enabled: false },
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    costLimit: { enabled: false },
  }).protect();
  const subgraphFetcher = createSubgraphFetcher(options.subgraphTimeoutMs);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: options.logger.child({ component: 'gateway' }),
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`no URL configured for subgraph ${name}`);
      return new SubgraphDataSource<GatewayContext>({
        name,
        logger: options.logger,
        url,
        fetcher: timedFetcher(subgraphFetcher.fetcher, name, options.metrics),
        willSendRequest({ request, context }) {
          request.http?.headers.set(internalTokenHeader, context.internalToken);
          request.http?.headers.set(internalRequestIdHeader, context.requestId);
          request.http?.headers.set(internalLanguageHeader, context.language);
        },
      });
    },
  });
  const inFlight = inFlightOperations();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatErrorFor(options.logger),
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
    // Our process owns SIGINT/SIGTERM and stops servers in order (lib/service-process.ts).
    stopOnTerminationSignals: false,
    introspection: protection.introspection,
    // Ids are looked up in our manifest (persisted-operations.ts), never registered by clients.
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    // Behind the guard's own parse; kept in case a request reaches Apollo another way.
    parseOptions: { maxTokens: protection.limits.maxTokens },
    plugins: [
      inFlight.plugin,
      restrictionPlugin(options.now ?? (() => new Date())),
      schemaCapture,
      ApolloServerPluginLandingPageDisabled(),
      ...armor.plugins,
      ...(options.metrics ? [graphqlMetricsPlugin(options.metrics)] : []),
    ],
  });
  await apollo.start();
  if (!apiSchema) throw new Error('the gateway did not load its schema');
  const limiter = protection.rateLimits
    ? createRateLimiter(protection.rateLimits.redis, protection.rateLimits.limits, protection.rateLimits.keyPrefix)
    : null;

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    stripInternalHeaders(req.headers);
    const requestId = requestIdFrom(req.headers[publicRequestIdHeader]);
    res.locals.requestId = requestId;
    res.setHeader(publicRequestIdHeader, requestId);
    // Personal data must not be stored on terminals (appendix 2-4).
    res.setHeader('Cache-Control', 'no-store');
    const language = negotiateLanguage(req.headers['accept-language']);
    res.locals.language = language;
    res.vary('Accept-Language');
    // What follows (guards, rate limits, Apollo) logs with the request id (lib/logger.ts) and answers in `language`.
    withRequestId(requestId, () => withLanguage(language, next));
  });
  app.use(corsFor(protection.corsOrigins));
  if (protection.graphiql) app.use(graphiqlRouter());
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await checkReadiness(options.subgraphUrls, options.pingRedis);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  // Who is calling, for /graphql and the file routes alike: certificate and session
  // (principal-resolver.ts), then the rate limits.
  const resolveCaller: express.RequestHandler = async (req, res, next) => {
    try {
      const resolution = await options.resolvePrincipal(req);
      if (!resolution.ok) {
        res.status(resolution.status).json({ errors: [resolutionError(resolution)] });
        return;
      }
      const context: GatewayContext = {
        principal: resolution.principal,
        restriction: resolution.restriction,
        internalToken: await options.sign(resolution.principal),
        requestId: requestIdOf(res),
        language: res.locals.language as Language,
      };
      res.locals.gatewayContext = context;
      next();
    } catch (error) {
      next(error);
    }
  };
  const callerChain: express.RequestHandler[] = [resolveCaller];
  if (limiter) {
    callerChain.push(
      rateLimitRequests(
        limiter,
        (_req, res) => {
          const { principal } = res.locals.gatewayContext as GatewayContext;
          // Only /graphql has a parsed operation; the file routes are never a sign-in.
          const guarded = res.locals.guardedOperation as GuardedOperation | undefined;
          if (principal.kind === 'service') return {};
          return {
            session: principal.kind === 'user' ? principal.sessionId : null,
            certificate: principal.certificate,
            signInAddress: guarded?.rootFieldNames.includes('signIn') ? principal.address : null,
          };
        },
        options.logger,
        options.metrics,
      ),
    );
  }
  // Appendix 5: the disclosure report as a CSV or JSON file; appendix 2: a terminal certificate as a .p12 file.
  // Both run their GraphQL operation through this gateway as the caller (caller-operations.ts).
  app.use(disclosureExportRouter({ apollo, callerChain }));
  app.use(certificateDownloadRouter({ apollo, callerChain }));
  app.use(
    '/graphql',
    requireJsonPost,
    express.json({ limit: '256kb' }),
    requireGraphqlBody,
    operationGuard({
      schema: apiSchema,
      limits: protection.limits,
      persisted: protection.persistedOperations,
      logger: options.logger,
    }),
  );
  app.use('/graphql', ...callerChain);
  app.use(
    '/graphql',
    expressMiddleware(apollo, { context: async ({ res }) => res.locals.gatewayContext as GatewayContext }),
  );
  options.routes?.(app);
  if (options.consoleDir) app.use(consoleRouter(options.consoleDir));
  app.use(jsonNotFound);
  app.use(jsonErrorHandler(options.logger));
  return {
    app,
    // Called once the gateway's listener has closed, before the subgraphs stop (start/system.ts, gateway/main.ts).
    stop: async () => {
      const running = inFlight.count;
      if (running > 0) {
        options.logger.info({ operations: running }, 'waiting for the operations in flight');
        if (await inFlight.drained(operationsDrainMs))
          options.logger.info({ operations: running }, 'the operations in flight finished');
        else options.logger.warn({ operations: inFlight.count }, 'stopping with operations still running');
      }
      await apollo.stop();
      await subgraphFetcher.close();
      await options.resolvePrincipal.close?.();
    },
  };
}
