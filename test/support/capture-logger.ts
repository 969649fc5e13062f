// A real pino logger (lib/logger.ts, redaction included) whose lines are kept
// in memory as parsed JSON, for tests that assert on what was logged.
import { createLogger, type Logger } from '../../lib/logger';

export type LogLine = Record<string, unknown> & { msg?: string };

export function captureLogger(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger(level, 'renkei-test', {
    write(line: string) {
      lines.push(JSON.parse(line) as LogLine);
    },
  });
  return { logger, lines };
}
