// Routes beside /graphql that answer with a file (the disclosure report, a
// terminal certificate) run one fixed GraphQL operation through this
// gateway's own Apollo server, as the caller: the same certificate and
// session check, the same rate limits (server.ts mounts `callerChain` on
// them as on /graphql), the same Art. 23-1 restrictions (an Apollo plugin)
// and the subgraphs' own permission checks and audit. So a file route cannot
// do anything its GraphQL operation would not allow. Errors keep their
// GraphQL codes, as JSON, with the matching HTTP status.
import type express from 'express';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './server';

const statusOf: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  SERVICE_RESTRICTED: 503,
};

export type CallerOperationResult =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; status: number; errors: readonly GraphQLFormattedError[] };

/** The caller's context, set by the chain server.ts mounts before a file route's handler. */
export function callerContextOf(res: express.Response): GatewayContext {
  const context = res.locals.gatewayContext as GatewayContext | undefined;
  if (!context) throw new Error('a file route ran without the caller chain');
  return context;
}

export async function runAsCaller(
  apollo: ApolloServer<GatewayContext>,
  res: express.Response,
  query: string,
  variables: Record<string, unknown>,
): Promise<CallerOperationResult> {
  const response = await apollo.executeOperation({ query, variables }, { contextValue: callerContextOf(res) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors } = response.body.singleResult;
  if (errors?.length) {
    const code = String(errors[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    return { ok: false, status: statusOf[code] ?? 500, errors };
  }
  if (!data) throw new Error('the operation returned no data');
  return { ok: true, data };
}

export function sendErrors(res: express.Response, status: number, errors: readonly GraphQLFormattedError[]): void {
  res.status(status).json({ errors });
}
