// Structured logs (pino, JSON lines). Log ids, codes and counts; never a
// subject's or user's personal data, and never a raw request body.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'renkei'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password'], censor: '***' },
  });
}
