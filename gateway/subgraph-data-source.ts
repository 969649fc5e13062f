// A subgraph answers HTTP 400 when a request fails its own validation (for
// example a custom scalar given the wrong JSON type, which the gateway's
// schema cannot check). Apollo's default turns that into an error that
// carries the subgraph's URL and raw body; we turn it into the client's
// mistake it is, BAD_USER_INPUT with the subgraph's message. Anything else
// stays an internal error, masked by formatError.
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Fetcher } from '@apollo/utils.fetcher';

type FetcherResponse = Awaited<ReturnType<Fetcher>>;

const clientMistakes = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT']);

// The context constraint is Apollo's own (RemoteGraphQLDataSource<TContext extends Record<string, any>>).
/* eslint-disable @typescript-eslint/no-explicit-any */
export class SubgraphDataSource<
  Context extends Record<string, any> = Record<string, any>,
> extends RemoteGraphQLDataSource<Context> {
  /* eslint-enable @typescript-eslint/no-explicit-any */
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
