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
import { genericMessages } from '../lib/messages/generic-messages';
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
        sendError(res, 400, 'PERSISTED_QUERY_NOT_FOUND', {
          en: 'No operation with this id is registered. Send the full query text.',
          ja: 'この ID の操作は登録されていません。クエリの全文を送ってください。',
        });
        return;
      case 'hash-mismatch':
        sendError(res, 400, 'BAD_REQUEST', {
          en: 'The persisted query id does not match the query. Send the SHA-256 of the query text sent.',
          ja: '永続化クエリの ID がクエリと一致しません。送ったクエリ本文の SHA-256 を指定してください。',
        });
        return;
      case 'no-query':
        sendError(res, 400, 'BAD_REQUEST', {
          en: 'The request has no query. Send the operation in query.',
          ja: 'リクエストにクエリがありません。操作を query に入れて送ってください。',
        });
        return;
      case 'not-in-list':
        logger.warn(
          { operationHash: resolution.id, operationName },
          'operation refused: not in the persisted operations manifest',
        );
        sendError(res, 400, 'PERSISTED_QUERY_NOT_IN_LIST', genericMessages.PERSISTED_QUERY_NOT_IN_LIST);
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
      sendError(res, 400, 'OPERATION_TOO_COMPLEX', genericMessages.OPERATION_TOO_COMPLEX);
      return;
    }
    const guarded: GuardedOperation = { rootFieldNames: check.kind === 'ok' ? check.rootFieldNames : [] };
    res.locals.guardedOperation = guarded;
    next();
  };
}
