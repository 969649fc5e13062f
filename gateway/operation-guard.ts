// The checks a GraphQL request passes before it costs anything: the
// persisted-operations mode (gateway/persisted-operations.ts), then the
// query limits (gateway/operation-limits.ts). Both need no I/O and run
// before the caller's session is resolved, graphql-js validates or the query
// planner plans, so a refused request reaches no subgraph and writes no
// audit row. Refusals are 400 with one code each; the log gets the detail
// (which limit, measured and allowed, the operation's hash or name), never
// the operation's text or variables.
import type { RequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { OperationLimits } from '../lib/config';
import { sendError } from '../lib/http-errors';
import type { Logger } from '../lib/logger';
import { checkOperationLimits } from './operation-limits';
import { resolvePersistedOperation, type PersistedOperations } from './persisted-operations';

export interface OperationGuardOptions {
  schema: GraphQLSchema;
  limits: OperationLimits;
  persisted: PersistedOperations;
  logger: Logger;
}

/** What later steps (rate limits, logs) may know of the operation. */
export interface GuardedOperation {
  rootFieldNames: string[];
}

/** Client-chosen names go to the log only when they look like GraphQL names. */
function loggableName(value: unknown): string | undefined {
  return typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(value) ? value : undefined;
}

export function operationGuard(options: OperationGuardOptions): RequestHandler {
  const { logger } = options;
  return (req, res, next) => {
    const body = req.body as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
      extensions?: Record<string, unknown> & { persistedQuery?: { sha256Hash?: unknown } };
    };
    const operationName = loggableName(body.operationName);
    const resolution = resolvePersistedOperation(body, options.persisted);
    switch (resolution.kind) {
      case 'unknown-id':
        sendError(res, 400, 'PERSISTED_QUERY_NOT_FOUND', 'no operation with this id is registered');
        return;
      case 'hash-mismatch':
        sendError(res, 400, 'BAD_REQUEST', 'the persisted query id does not match the query');
        return;
      case 'no-query':
        sendError(res, 400, 'BAD_REQUEST', 'the request has no query');
        return;
      case 'not-in-list':
        logger.warn(
          { operationHash: resolution.id, operationName },
          'operation refused: not in the persisted operations manifest',
        );
        sendError(res, 400, 'PERSISTED_QUERY_NOT_IN_LIST', 'this operation is not allowed here');
        return;
      case 'ok':
        if (!resolution.listed && options.persisted.mode === 'log') {
          logger.warn(
            { operationHash: resolution.id, operationName },
            'operation not in the persisted operations manifest',
          );
        }
        body.query = resolution.query;
        if (body.extensions?.persistedQuery !== undefined) delete body.extensions.persistedQuery;
    }

    const variables =
      typeof body.variables === 'object' && body.variables !== null ? (body.variables as Record<string, unknown>) : {};
    const check = checkOperationLimits(resolution.query, {
      schema: options.schema,
      limits: options.limits,
      variables,
      operationName: typeof body.operationName === 'string' ? body.operationName : null,
    });
    if (check.kind === 'too-complex') {
      logger.warn(
        { limit: check.limit, measured: check.measured, allowed: check.allowed, operationName },
        'operation refused: too complex',
      );
      sendError(res, 400, 'OPERATION_TOO_COMPLEX', 'the operation is too large or too complex');
      return;
    }
    const guarded: GuardedOperation = { rootFieldNames: check.kind === 'ok' ? check.rootFieldNames : [] };
    res.locals.guardedOperation = guarded;
    next();
  };
}
