// Structured logs (pino, JSON lines). Log ids, codes and counts; never a
// subject's or user's personal data, and never a raw request body or
// headers. The redaction list is the safety net behind that rule: request
// and response headers and bodies (body-parser puts the raw body on
// err.body), GraphQL variables, tokens and passwords are censored wherever
// a log call would otherwise carry them.
import pino from 'pino';

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

export function createLogger(level: string, name = 'renkei', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = { name, level, redact: { paths: redactedPaths, censor: '***' } };
  return destination ? pino(options, destination) : pino(options);
}
