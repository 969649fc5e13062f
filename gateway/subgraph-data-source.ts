// A subgraph answers HTTP 400 when a request fails its own validation (for
// example a custom scalar given the wrong JSON type, which the gateway's
// schema cannot check). Apollo's default turns that into an error that
// carries the subgraph's URL and raw body; we turn it into the client's
// mistake it is, BAD_USER_INPUT with the subgraph's message. Anything else
// stays an internal error, masked by formatError.
//
// A failed call is logged here, where the subgraph's name is known, with the
// class of its cause (ECONNREFUSED, TimeoutError, HTTP_502, …): without it
// an operator sees only "TypeError: fetch failed" and not which subgraph.
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from '../lib/logger';

type FetcherResponse = Awaited<ReturnType<Fetcher>>;

const clientMistakes = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT']);

// The context constraint is Apollo's own (RemoteGraphQLDataSource<TContext extends Record<string, any>>).
/* eslint-disable @typescript-eslint/no-explicit-any */
export class SubgraphDataSource<
  Context extends Record<string, any> = Record<string, any>,
> extends RemoteGraphQLDataSource<Context> {
  /* eslint-enable @typescript-eslint/no-explicit-any */
  private readonly subgraph: string;
  private readonly logger: Logger;

  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<Context>>[0] & { name: string; logger: Logger },
  ) {
    const { name, logger, ...rest } = config;
    super(rest);
    this.subgraph = name;
    this.logger = logger;
  }

  override didEncounterError(error: Error): void {
    this.logger.warn({ subgraph: this.subgraph, cause: failureClass(error) }, 'subgraph request failed');
    throw error;
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status === 400) {
      const body = (await this.parseBody(response).catch(() => null)) as {
        errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>;
      } | null;
      const first = body?.errors?.[0];
      if (first && typeof first.message === 'string' && clientMistakes.has(String(first.extensions?.code))) {
        return new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT' } });
      }
    }
    return new GraphQLError(`subgraph answered HTTP ${response.status}`, {
      extensions: { code: 'SUBGRAPH_HTTP_ERROR' },
    });
  }
}

/** The kind of a failed subgraph call, safe to log: a code or class name, never a message (it can echo data). */
export function failureClass(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown; name?: unknown } };
  if (typeof e.cause?.code === 'string') return e.cause.code;
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return 'TimeoutError';
  const status = typeof e.message === 'string' ? /^subgraph answered HTTP (\d{3})$/.exec(e.message)?.[1] : undefined;
  if (status) return `HTTP_${status}`;
  if (typeof e.code === 'string') return e.code;
  return typeof e.name === 'string' ? e.name : 'Error';
}
