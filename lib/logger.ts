// Structured logs (pino, JSON lines). Log ids, codes and counts; never a
// subject's or user's personal data, and never a raw request body or
// headers. The redaction list is the safety net behind that rule: request
// and response headers and bodies (body-parser puts the raw body on
// err.body), GraphQL variables, tokens and passwords are censored wherever
// a log call would otherwise carry them.
import pino from 'pino';
import { currentRequestId } from './request-id';

export type Logger = pino.Logger;

export const redactedPaths = [
  'headers',
  'body',
  'variables',
  'token',
  'password',
  'authorization',
  'cookie',
  'req.headers',
  'req.body',
  'req.query',
  'res.headers',
  'err.body',
  'error.body',
  '*.headers',
  '*.body',
  '*.variables',
  '*.token',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.authorization',
  '*.cookie',
];

/**
 * Every line written while serving a request (lib/request-id.ts) names it, whichever logger wrote
 * it: the gateway's refusals, a subgraph's errors, the FHIR endpoint's, a job's (a job runs as
 * part of the request that caused it). So no logger binds a request id itself.
 */
function requestIdMixin(): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId ? { requestId } : {};
}

export function createLogger(level: string, name = 'renkei', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: redactedPaths, censor: '***' },
    mixin: requestIdMixin,
  };
  return destination ? pino(options, destination) : pino(options);
}
