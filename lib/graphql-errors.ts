// The error vocabulary of the GraphQL boundary. Every error a client sees
// carries one of these codes in `extensions.code`; anything else (a Prisma,
// fetch or BullMQ error) is a bug and is masked as INTERNAL_SERVER_ERROR.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger';
import { currentLanguage } from './messages/language';
import { genericMessages } from './messages/generic-messages';
import { render, type Message } from './messages/message';

export const errorCodes = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'SERVICE_RESTRICTED',
  'ILLEGAL_TRANSITION',
  'INTERNAL_SERVER_ERROR',
  // Refusals at the gateway's door (gateway/operation-guard.ts, rate-limits.ts, lib/http-errors.ts).
  'OPERATION_TOO_COMPLEX',
  'RATE_LIMITED',
  'PERSISTED_QUERY_NOT_IN_LIST',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Codes Apollo Server itself produces for malformed requests; they are safe to show. */
const apolloRequestCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Each error's two languages, kept beside the error and rendered only in formatError (lib/messages/message.ts). */
const bilingual = new WeakMap<object, Message>();

/** The error's `message` is the English one, for logs and the FHIR boundary; a caller reads its own language. */
export function appError(code: ErrorCode, message: Message, details: Record<string, unknown> = {}): GraphQLError {
  const error = new GraphQLError(message.en, { extensions: { ...details, code } });
  bilingual.set(error, message);
  return error;
}

export const badUserInput = (message: Message, field?: string) =>
  appError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (message: Message) => appError('NOT_FOUND', message);
export const conflict = (message: Message) => appError('CONFLICT', message);

/** The bilingual message of an error we raised, however graphql-js or Apollo wrapped it. */
export function messageOf(error: unknown): Message | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const found = bilingual.get(current);
    if (found) return found;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/**
 * formatError for every Apollo Server we run. An error with one of our codes
 * (or Apollo's request-validation codes) passes with only its code, field,
 * sub-reason (e.g. PASSWORD_CHANGE_REQUIRED) and a restriction's announced end; anything else, which Apollo labels INTERNAL_SERVER_ERROR, is masked
 * and logged. At the gateway, subgraph errors arrive already formatted by
 * the same rule, so a subgraph cannot leak more than its own code allows.
 * Our own errors are rendered here in the request's language; subgraph
 * errors arrive at the gateway already rendered in it (the gateway passes
 * the language on), and Apollo's request errors (parse, validation) keep
 * graphql-js's English, since they are about the query text a developer wrote.
 */
/** An instant as Date#toISOString writes it. */
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function formatErrorFor(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const known =
      typeof code === 'string' &&
      code !== 'INTERNAL_SERVER_ERROR' &&
      ((errorCodes as readonly string[]).includes(code) || apolloRequestCodes.has(code));
    if (known) {
      // Only the code, the offending field, a stable sub-reason and when a restriction is announced to end
      // (SERVICE_RESTRICTED) travel; nothing internal (stack, subgraph name).
      const { field, reason, restrictedUntil } = formatted.extensions ?? {};
      const extensions = {
        code,
        ...(field === undefined ? {} : { field }),
        ...(typeof reason === 'string' && /^[A-Z_]{1,64}$/.test(reason) ? { reason } : {}),
        ...(typeof restrictedUntil === 'string' && isoInstant.test(restrictedUntil) ? { restrictedUntil } : {}),
      };
      const own = messageOf(error);
      const message = own ? render(own, currentLanguage()) : formatted.message;
      return { message, locations: formatted.locations, path: formatted.path, extensions };
    }
    // Log the kind of failure, not its message: library messages can echo data.
    const original = unwrapResolverError(error) as { name?: unknown; code?: unknown } | undefined;
    logger.error(
      { err: { name: original?.name, code: original?.code, extensionCode: code }, path: formatted.path },
      'unexpected error',
    );
    return {
      message: render(genericMessages.INTERNAL_SERVER_ERROR, currentLanguage()),
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
