// Refusals at the HTTP layer in the same shape as GraphQL errors
// ({ errors: [{ message, extensions: { code } }] }), for the gateway and the
// subgraphs alike. Express's own answers are HTML pages with a stack trace
// outside production, and its default error handler prints the error (for
// body-parser, with the raw body in err.body) to stderr; a malformed body
// can carry a subject's name. So every express error ends here: the client
// gets a short JSON error with a stable code, the log gets the error's kind
// and status only, never its message (JSON.parse quotes the input), its
// body or the request's headers.
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ErrorCode } from './graphql-errors';
import type { Logger } from './logger';
import { currentLanguage } from './messages/language';
import { genericMessages } from './messages/generic-messages';
import { render, type Message } from './messages/message';

/** lib/graphql-errors.ts's vocabulary plus the request-level codes Apollo also uses. */
export type HttpErrorCode = ErrorCode | 'BAD_REQUEST' | 'PERSISTED_QUERY_NOT_FOUND';

/** Rendered in the request's language (lib/messages/language.ts). */
export function sendError(res: Response, status: number, code: HttpErrorCode, message: Message): void {
  res.status(status).json({ errors: [{ message: render(message, currentLanguage()), extensions: { code } }] });
}

/**
 * GraphQL over HTTP here is POST with a JSON body only. Refusing other
 * content types (text/plain, forms) before Apollo is also the CSRF defence:
 * a browser cannot send application/json across origins without a
 * preflight, which only the origins listed in CORS_ORIGINS are granted
 * (gateway/cors.ts).
 */
export const requireJsonPost: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendError(res, 405, 'BAD_REQUEST', {
      en: 'Send GraphQL requests as POST with Content-Type: application/json.',
      ja: 'GraphQL のリクエストは Content-Type: application/json の POST で送ってください。',
    });
    return;
  }
  if (!req.is('application/json')) {
    sendError(res, 415, 'BAD_REQUEST', {
      en: 'The request body must be JSON. Send it with Content-Type: application/json.',
      ja: 'リクエストの本文は JSON にしてください（Content-Type: application/json）。',
    });
    return;
  }
  next();
};

/** A GraphQL request body: one JSON object (batches are not accepted). */
export const requireGraphqlBody: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendError(res, 400, 'BAD_REQUEST', {
      en: 'The request body must be one JSON object with a query.',
      ja: 'リクエストの本文は query を含む JSON オブジェクト 1 つにしてください。',
    });
    return;
  }
  next();
};

export const jsonNotFound: RequestHandler = (_req, res) => {
  sendError(res, 404, 'NOT_FOUND', {
    en: 'There is no such resource. Check the URL.',
    ja: 'そのリソースはありません。URL を確認してください。',
  });
};

const bodyMessages: Record<string, Message> = {
  'entity.parse.failed': {
    en: 'The request body is not valid JSON. Correct it and try again.',
    ja: 'リクエストの本文が正しい JSON ではありません。修正してからやり直してください。',
  },
  'entity.too.large': {
    en: 'The request body is too large. Send less in one request.',
    ja: 'リクエストの本文が大きすぎます。1 回に送る量を減らしてください。',
  },
  'charset.unsupported': {
    en: 'The request body has an unsupported charset. Send it as UTF-8.',
    ja: 'リクエストの本文の文字コードに対応していません。UTF-8 で送ってください。',
  },
  'encoding.unsupported': {
    en: 'The request body has an unsupported content encoding. Send it uncompressed or gzip-compressed.',
    ja: 'リクエストの本文の圧縮形式に対応していません。圧縮しないか gzip で送ってください。',
  },
};

const unreadableBody: Message = {
  en: 'The request could not be read. Check its headers and body.',
  ja: 'リクエストを読み取れませんでした。ヘッダーと本文を確認してください。',
};

/** The last handler of every app: body-parser's and any other error, as JSON. */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const err = (typeof error === 'object' && error !== null ? error : {}) as {
      type?: unknown;
      status?: unknown;
      statusCode?: unknown;
      name?: unknown;
      code?: unknown;
    };
    const status =
      typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : 500;
    const type = typeof err.type === 'string' ? err.type : undefined;
    const route = `${req.method} ${req.baseUrl}${req.path}`.slice(0, 200);
    if (res.headersSent) {
      logger.warn(
        { route, err: { type, name: err.name, status } },
        'error after the response started; connection closed',
      );
      req.socket.destroy();
      return;
    }
    if (status >= 400 && status < 500) {
      logger.info({ route, err: { type, status } }, 'request refused');
      sendError(res, status, 'BAD_REQUEST', (type ? bodyMessages[type] : undefined) ?? unreadableBody);
      return;
    }
    logger.error({ route, err: { type, name: err.name, code: err.code } }, 'unexpected error');
    sendError(res, 500, 'INTERNAL_SERVER_ERROR', genericMessages.INTERNAL_SERVER_ERROR);
  };
}
